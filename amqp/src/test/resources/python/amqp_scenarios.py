"""AMQP 1.0 scenarios run with Debian's python3-qpid-proton, a non-JMS client, against a FerryMQ broker.

Usage: amqp_scenarios.py SCENARIO PORT [ARG...]
Prints one JSON object on stdout; exits non-zero with a message on stderr when a step fails.
"""
import json
import sys

from proton import ConnectionException, Message, ProtonException, Timeout
from proton.reactor import AtMostOnce, AtLeastOnce
from proton.utils import BlockingConnection, ConnectionClosed, LinkDetached, SendException

TIMEOUT = 30


def connect(port, user="admin", password="secret"):
    return BlockingConnection("amqp://127.0.0.1:%d" % port, timeout=TIMEOUT, user=user, password=password,
                              allowed_mechs="PLAIN", allow_insecure_mechs=True)


def describe(m):
    body = m.body
    if isinstance(body, (bytes, bytearray, memoryview)):
        body = {"bytes": bytes(body).decode("latin-1")}
    return {"body": body, "properties": dict(m.properties or {}), "subject": m.subject,
            "correlation_id": m.correlation_id, "content_type": m.content_type,
            "durable": bool(m.durable), "priority": m.priority, "delivery_count": m.delivery_count}


def send_receive(port, queue, count, settled):
    """Sends COUNT messages (pre-settled or waiting for the broker's outcome), then receives them."""
    conn = connect(port)
    try:
        options = AtMostOnce() if settled else AtLeastOnce()
        sender = conn.create_sender(queue, options=options)
        outcomes = []
        for i in range(count):
            m = Message(body="python-%d" % i, properties={"seq": i, "origin": "python"}, subject="s-%d" % i,
                        correlation_id="c-%d" % i, durable=not settled, priority=4)
            delivery = sender.send(m)
            outcomes.append(str(delivery.remote_state) if not settled else "PRESETTLED")
        receiver = conn.create_receiver(queue, options=options, credit=count)
        received = []
        for _ in range(count):
            m = receiver.receive(timeout=TIMEOUT)
            received.append(describe(m))
            if not settled:
                receiver.accept()
        return {"outcomes": outcomes, "received": received}
    finally:
        conn.close()


def receive(port, queue, count):
    conn = connect(port)
    try:
        receiver = conn.create_receiver(queue, credit=count)
        received = []
        for _ in range(count):
            received.append(describe(receiver.receive(timeout=TIMEOUT)))
            receiver.accept()
        return {"received": received}
    finally:
        conn.close()


def send(port, queue, text):
    conn = connect(port)
    try:
        sender = conn.create_sender(queue)
        d = sender.send(Message(body=text, properties={"origin": "python", "n": 7}, subject="from-python"))
        return {"outcome": str(d.remote_state)}
    finally:
        conn.close()


def release_then_reject(port, queue):
    """Receives the one message on QUEUE, releases it (it comes back), then rejects it (dead-lettered)."""
    conn = connect(port)
    try:
        receiver = conn.create_receiver(queue, credit=1)
        first = receiver.receive(timeout=TIMEOUT)
        receiver.release(delivered=False)
        second = receiver.receive(timeout=TIMEOUT)
        receiver.reject()
        return {"first": describe(first), "second": describe(second)}
    finally:
        conn.close()


def anonymous_relay(port, queue):
    """A sender with no target address: each message names its destination in 'to'."""
    conn = connect(port)
    try:
        sender = conn.create_sender(None)
        d = sender.send(Message(address=queue, body="relayed"))
        try:
            sender.send(Message(body="nowhere"))
            refused = None
        except SendException as e:
            # BlockingSender raises on any outcome but accepted; the broker's error is in the delivery.
            refused = str(e.state)
        return {"outcome": str(d.remote_state), "no_to": refused}
    finally:
        conn.close()


def attach_error(port, address, user, password):
    """Attaches a receiver to ADDRESS and reports the broker's error condition."""
    conn = connect(port, user, password)
    try:
        conn.create_receiver(address)
        return {"attached": True}
    except LinkDetached as e:
        cond = e.link.remote_condition
        return {"attached": False, "condition": cond.name if cond else None,
                "description": cond.description if cond else None}
    finally:
        try:
            conn.close()
        except Exception:
            pass


def wrong_password(port):
    try:
        conn = connect(port, "admin", "not-the-password")
        conn.close()
        return {"connected": True}
    except (ConnectionException, ConnectionClosed, ProtonException, Timeout) as e:
        return {"connected": False, "error": str(e)}


SCENARIOS = {
    "unsettled": lambda port, q, n: send_receive(port, q, int(n), False),
    "presettled": lambda port, q, n: send_receive(port, q, int(n), True),
    "receive": lambda port, q, n: receive(port, q, int(n)),
    "send": send,
    "release-then-reject": release_then_reject,
    "anonymous-relay": anonymous_relay,
    "attach-error": attach_error,
    "wrong-password": wrong_password,
}

if __name__ == "__main__":
    name, port, args = sys.argv[1], int(sys.argv[2]), sys.argv[3:]
    print(json.dumps(SCENARIOS[name](port, *args), default=str))

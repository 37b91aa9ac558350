"""Celery-style scenarios with Debian's python3-kombu against a FerryMQ broker; prints one JSON result.

Celery's remote control (pidbox) and its broadcast queues declare their reply and node queues with
x-expires, so this needs the broker's queue expiry.
"""
import json
import socket
import sys

from kombu import Connection, Consumer, Exchange, Producer, Queue
from kombu.pidbox import Mailbox


def url(port):
    return "amqp://guest:guest@127.0.0.1:%d//" % port


def simple(port):
    """A producer and a consumer through kombu's SimpleQueue, as Celery's task messages go."""
    with Connection(url(port), connect_timeout=10) as conn:
        queue = conn.SimpleQueue("kombu-simple")
        for i in range(3):
            queue.put({"task": "add", "args": [i, i]}, serializer="json")
        got = []
        for _ in range(3):
            message = queue.get(block=True, timeout=10)
            got.append(message.payload["args"])
            message.ack()
        queue.close()
        return {"received": got}


def broadcast(port):
    """A fanout exchange to two queues that expire, then a pidbox ping answered through an expiring reply queue."""
    with Connection(url(port), connect_timeout=10) as conn:
        channel = conn.default_channel
        exchange = Exchange("kombu-broadcast", type="fanout", durable=False, auto_delete=True)
        queues = [Queue("kombu-broadcast-%d" % i, exchange=exchange, expires=30.0, durable=False)
                  for i in range(2)]
        for q in queues:
            q(channel).declare()
        Producer(channel, exchange=exchange).publish({"to": "everyone"}, serializer="json")
        received = []

        def on_message(body, message):
            received.append(body["to"])
            message.ack()

        with Consumer(channel, queues, callbacks=[on_message], accept=["json"]):
            while len(received) < 2:
                conn.drain_events(timeout=10)

        mailbox = Mailbox("ferrymq-test", type="fanout", accept=["json"], queue_expires=30.0)
        node = mailbox(conn).Node("worker-1", state={"n": 0},
                                  handlers={"ping": lambda state, **kwargs: {"ok": "pong"}})
        node.listen(channel=conn.channel())
        replies = mailbox(conn)._broadcast("ping", {}, reply=True, timeout=10, limit=1)
        return {"broadcast": received, "replies": replies}


if __name__ == "__main__":
    socket.setdefaulttimeout(30)
    scenario, port = sys.argv[1], int(sys.argv[2])
    print(json.dumps({"simple": simple, "broadcast": broadcast}[scenario](port), sort_keys=True))

"""Scenarios run with Debian's python3-stomp (stomp.py) against a FerryMQ broker.

Usage: stomp_scenarios.py SCENARIO PORT
Prints one JSON object with what the client observed; the Java test asserts on it.
"""
import json
import sys
import threading
import time

import stomp

HOST = "127.0.0.1"
TIMEOUT = 20


class Inbox(stomp.ConnectionListener):
    def __init__(self):
        self.cond = threading.Condition()
        self.messages = []
        self.receipts = set()
        self.errors = []
        self.connected_headers = None

    def on_connected(self, frame):
        with self.cond:
            self.connected_headers = dict(frame.headers)
            self.cond.notify_all()

    def on_message(self, frame):
        with self.cond:
            self.messages.append(frame)
            self.cond.notify_all()

    def on_receipt(self, frame):
        with self.cond:
            self.receipts.add(frame.headers.get("receipt-id"))
            self.cond.notify_all()

    def on_error(self, frame):
        with self.cond:
            self.errors.append(frame.headers.get("message"))
            self.cond.notify_all()

    def wait_messages(self, n, timeout=TIMEOUT):
        deadline = time.time() + timeout
        with self.cond:
            while len(self.messages) < n:
                left = deadline - time.time()
                if left <= 0:
                    raise AssertionError("expected %d messages, got %d (errors: %s)" % (n, len(self.messages), self.errors))
                self.cond.wait(left)
            return list(self.messages)

    def quiet_for(self, seconds):
        """Messages that arrive within a short window; used to show that nothing arrives."""
        time.sleep(seconds)
        with self.cond:
            return list(self.messages)

    def wait_receipt(self, rid, timeout=TIMEOUT):
        deadline = time.time() + timeout
        with self.cond:
            while rid not in self.receipts:
                left = deadline - time.time()
                if left <= 0:
                    raise AssertionError("no receipt %s (errors: %s)" % (rid, self.errors))
                self.cond.wait(left)

    def take(self):
        with self.cond:
            out = list(self.messages)
            self.messages.clear()
            return out


def connect(port, version="1.2", user="admin", password="secret", heartbeats=(0, 0), headers=None, auto_decode=True):
    cls = {"1.0": stomp.Connection10, "1.1": stomp.Connection11, "1.2": stomp.Connection12}[version]
    kwargs = {"auto_decode": auto_decode}
    if version != "1.0":
        kwargs["heartbeats"] = heartbeats
    conn = cls([(HOST, port)], **kwargs)
    inbox = Inbox()
    conn.set_listener("inbox", inbox)
    conn.connect(user, password, wait=True, headers=headers or {})
    return conn, inbox


def send(conn, inbox, destination, body, rid, **headers):
    conn.send(destination, body, headers=headers, receipt=rid)
    inbox.wait_receipt(rid)


def subscribe(conn, inbox, destination, sid, rid, ack="auto", **headers):
    conn.subscribe(destination, id=sid, ack=ack, headers=dict(headers, receipt=rid))
    inbox.wait_receipt(rid)


def bodies(frames):
    return [f.body if isinstance(f.body, str) else f.body.decode("utf-8") for f in frames]


def scenario_versions(port):
    out = {}
    for v in ("1.0", "1.1", "1.2"):
        conn, inbox = connect(port, version=v)
        q = "/queue/versions-" + v
        if v == "1.0":
            conn.subscribe(q, id="s", ack="auto", headers={"receipt": "sub"})
        else:
            conn.subscribe(q, id="s", ack="auto", headers={"receipt": "sub"})
        inbox.wait_receipt("sub")
        send(conn, inbox, q, "hello " + v, "snd")
        msgs = inbox.wait_messages(1)
        out[v] = {"negotiated": inbox.connected_headers.get("version"), "body": bodies(msgs)[0]}
        conn.disconnect(receipt="bye")
    return out


def scenario_transactions(port):
    conn, inbox = connect(port)
    subscribe(conn, inbox, "/queue/tx", "s", "sub")
    tx = conn.begin()
    conn.send("/queue/tx", "in-tx-1", transaction=tx)
    conn.send("/queue/tx", "in-tx-2", transaction=tx)
    before_commit = bodies(inbox.quiet_for(0.5))
    conn.commit(tx, receipt="commit")
    inbox.wait_receipt("commit")
    after_commit = bodies(inbox.wait_messages(2))
    inbox.take()
    tx2 = conn.begin()
    conn.send("/queue/tx", "aborted", transaction=tx2)
    conn.abort(tx2, receipt="abort")
    inbox.wait_receipt("abort")
    after_abort = bodies(inbox.quiet_for(0.5))
    conn.disconnect()
    return {"before_commit": before_commit, "after_commit": after_commit, "after_abort": after_abort}


def scenario_transactional_ack(port):
    conn, inbox = connect(port)
    send(conn, inbox, "/queue/txack", "work", "snd")
    subscribe(conn, inbox, "/queue/txack", "s", "sub", ack="client-individual")
    first = inbox.wait_messages(1)[0]
    inbox.take()
    tx = conn.begin()
    conn.ack(first.headers["ack"], transaction=tx)
    conn.abort(tx, receipt="abort")
    inbox.wait_receipt("abort")
    # Aborting the ack puts the message back: it is delivered again, flagged.
    again = inbox.wait_messages(1)[0]
    tx2 = conn.begin()
    conn.ack(again.headers["ack"], transaction=tx2)
    conn.commit(tx2, receipt="commit")
    inbox.wait_receipt("commit")
    conn.disconnect(receipt="bye")
    return {"first_redelivered": first.headers.get("redelivered"),
            "again_redelivered": again.headers.get("redelivered"), "again_body": bodies([again])[0]}


def scenario_ack_modes(port):
    conn, inbox = connect(port)
    for i in range(3):
        send(conn, inbox, "/queue/acks-client", "c%d" % i, "c%d" % i)
    subscribe(conn, inbox, "/queue/acks-client", "cumulative", "sub1", ack="client")
    msgs = inbox.wait_messages(3)
    # Acknowledging the last one acknowledges all three.
    conn.ack(msgs[2].headers["ack"], receipt="ack-all")
    inbox.wait_receipt("ack-all")
    conn.unsubscribe("cumulative", headers={"receipt": "unsub1"})
    inbox.wait_receipt("unsub1")
    inbox.take()

    for i in range(2):
        send(conn, inbox, "/queue/acks-individual", "i%d" % i, "i%d" % i)
    subscribe(conn, inbox, "/queue/acks-individual", "individual", "sub2", ack="client-individual")
    msgs = inbox.wait_messages(2)
    conn.ack(msgs[1].headers["ack"], receipt="ack-second")
    inbox.wait_receipt("ack-second")
    conn.nack(msgs[0].headers["ack"], receipt="nack-first")
    inbox.wait_receipt("nack-first")
    redelivered = inbox.wait_messages(3)[2]
    conn.ack(redelivered.headers["ack"], receipt="ack-redelivered")
    inbox.wait_receipt("ack-redelivered")
    conn.disconnect(receipt="bye")
    return {"redelivered_body": bodies([redelivered])[0], "redelivered_flag": redelivered.headers.get("redelivered")}


def scenario_unacked_redelivered_after_disconnect(port):
    conn, inbox = connect(port)
    send(conn, inbox, "/queue/unacked", "pending", "snd")
    subscribe(conn, inbox, "/queue/unacked", "s", "sub", ack="client")
    inbox.wait_messages(1)
    conn.disconnect(receipt="bye")
    conn2, inbox2 = connect(port)
    subscribe(conn2, inbox2, "/queue/unacked", "s", "sub", ack="client")
    again = inbox2.wait_messages(1)[0]
    conn2.ack(again.headers["ack"], receipt="ack")
    inbox2.wait_receipt("ack")
    conn2.disconnect()
    return {"body": bodies([again])[0], "redelivered": again.headers.get("redelivered")}


def scenario_binary_and_escaping(port):
    conn, inbox = connect(port, auto_decode=False)
    subscribe(conn, inbox, "/queue/binary", "s", "sub")
    payload = bytes([0, 1, 2, 255, 0, 10, 13, 0])
    conn.send("/queue/binary", payload, headers={"weird": "a:b\nc\\d", "receipt": "snd"})
    inbox.wait_receipt("snd")
    m = inbox.wait_messages(1)[0]
    body = m.body
    conn.disconnect()
    return {"body_hex": body.hex(), "weird": m.headers.get("weird"), "content_length": m.headers.get("content-length")}



def scenario_temp_queue_request_reply(port):
    server, server_inbox = connect(port)
    subscribe(server, server_inbox, "/queue/rpc", "rpc", "sub")
    client, client_inbox = connect(port)
    client.send("/queue/rpc", "ping", headers={"reply-to": "/temp-queue/answers", "receipt": "req"})
    client_inbox.wait_receipt("req")
    request = server_inbox.wait_messages(1)[0]
    reply_to = request.headers["reply-to"]
    send(server, server_inbox, reply_to, "pong", "reply")
    reply = client_inbox.wait_messages(1)[0]
    client.disconnect()
    server.disconnect()
    return {"reply_to": reply_to, "reply": bodies([reply])[0], "subscription": reply.headers.get("subscription")}


def scenario_disconnect_receipt_after_persistent_sends(port):
    conn, inbox = connect(port)
    for i in range(50):
        conn.send("/queue/persisted", "m%d" % i, headers={"persistent": "true"})
    conn.disconnect(receipt="bye")
    # disconnect() can return before the listener has seen the receipt; fails with the ERRORs if none came.
    inbox.wait_receipt("bye")
    conn2, inbox2 = connect(port)
    subscribe(conn2, inbox2, "/queue/persisted", "s", "sub")
    msgs = inbox2.wait_messages(50)
    conn2.disconnect()
    return {"bodies": bodies(msgs)}


SCENARIOS = {name[len("scenario_"):]: fn for name, fn in globals().items() if name.startswith("scenario_")}

if __name__ == "__main__":
    name, port = sys.argv[1], int(sys.argv[2])
    print(json.dumps(SCENARIOS[name](port)))
    sys.stdout.flush()

"""stomp.py (Debian's python3-stomp) against an HA pair: one Connection lists both nodes.

Usage: ha_stomp_failover.py PORT_A PORT_B QUEUE
Sends persistent messages with receipts until a line "stop" arrives on stdin, reconnecting (to whichever
node answers) whenever the connection drops; then consumes the queue until it has been quiet for 5 s.
Prints progress lines ("confirmed N", "connected PORT") and, last, one JSON object with the confirmed and
received bodies.
"""
import json
import sys
import threading
import time

import stomp

HOST = "127.0.0.1"


class Listener(stomp.ConnectionListener):
    def __init__(self):
        self.cond = threading.Condition()
        self.receipts = set()
        self.received = []
        self.connected = False

    def on_connected(self, frame):
        with self.cond:
            self.connected = True
            self.cond.notify_all()

    def on_disconnected(self):
        say("disconnected")
        with self.cond:
            self.connected = False
            self.cond.notify_all()

    def on_error(self, frame):
        say("error %s" % frame.headers.get("message"))

    def on_receipt(self, frame):
        with self.cond:
            self.receipts.add(frame.headers.get("receipt-id"))
            self.cond.notify_all()

    def on_message(self, frame):
        with self.cond:
            self.received.append(frame.body)
            self.cond.notify_all()

    def wait_receipt(self, rid, timeout):
        deadline = time.time() + timeout
        with self.cond:
            while rid not in self.receipts:
                left = deadline - time.time()
                if left <= 0 or not self.connected:
                    return False
                self.cond.wait(left)
            return True


def say(line):
    print(line, flush=True)


def main():
    port_a, port_b, queue = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
    destination = "/queue/" + queue
    # The failover settings: both nodes, retries for as long as a failover can take, and heart-beats both ways
    # so that a node that goes silent without closing the socket (power loss, a cut link) counts as gone
    # instead of leaving the client waiting on a receipt forever.
    conn = stomp.Connection([(HOST, port_a), (HOST, port_b)], reconnect_sleep_initial=0.2,
                            reconnect_sleep_increase=0.0, reconnect_sleep_max=1.0, reconnect_attempts_max=300,
                            heartbeats=(2000, 2000))
    listener = Listener()
    conn.set_listener("ha", listener)

    def connect():
        while True:
            try:
                conn.connect("guest", "guest", wait=True)
                say("connected %d" % conn.transport.current_host_and_port[1])
                return
            except Exception as e:  # noqa: BLE001 - any failure: try the list again
                say("connect failed: %r" % e)
                time.sleep(0.2)

    stop = threading.Event()

    def read_stdin():
        for line in sys.stdin:
            if line.strip() == "stop":
                stop.set()
                return

    threading.Thread(target=read_stdin, daemon=True).start()

    connect()
    confirmed = []
    i = 0
    while not stop.is_set():
        if not listener.connected:
            connect()
        body = "stomp-%d" % i
        rid = "r-%d" % i
        i += 1
        try:
            conn.send(destination, body, headers={"persistent": "true"}, receipt=rid)
        except Exception as e:  # noqa: BLE001 - not connected: not confirmed
            say("send %s failed: %r" % (rid, e))
            continue
        if listener.wait_receipt(rid, 10):
            confirmed.append(body)
            say("confirmed %d" % len(confirmed))
        else:
            say("no receipt for %s" % rid)

    if not listener.connected:
        connect()
    conn.subscribe(destination, id="drain", ack="auto")
    last = -1
    while True:
        with listener.cond:
            n = len(listener.received)
        if n == last:
            break
        last = n
        time.sleep(5)
    conn.disconnect()
    print(json.dumps({"confirmed": confirmed, "received": listener.received}), flush=True)


main()

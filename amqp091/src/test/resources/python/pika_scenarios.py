"""AMQP 0-9-1 scenarios with Debian's python3-pika against a FerryMQ broker; prints one JSON result."""
import json
import sys

import pika


def params(port):
    return pika.ConnectionParameters(host="127.0.0.1", port=port,
                                     credentials=pika.PlainCredentials("guest", "guest"),
                                     heartbeat=30, blocked_connection_timeout=30)


def blocking(port):
    conn = pika.BlockingConnection(params(port))
    ch = conn.channel()
    ch.confirm_delivery()
    q = ch.queue_declare(queue="", exclusive=True).method.queue
    ch.exchange_declare(exchange="pika-x", exchange_type="topic", auto_delete=True)
    ch.queue_bind(queue=q, exchange="pika-x", routing_key="pika.#")
    for i in range(5):
        ch.basic_publish(exchange="pika-x", routing_key="pika.n%d" % i, body=b"m%d" % i,
                         properties=pika.BasicProperties(delivery_mode=2, content_type="text/plain",
                                                         headers={"i": i}))
    unroutable = False
    try:
        ch.basic_publish(exchange="pika-x", routing_key="elsewhere", body=b"x", mandatory=True)
    except pika.exceptions.UnroutableError:
        unroutable = True
    got = []
    for method, props, body in ch.consume(q, inactivity_timeout=10):
        if method is None:
            break
        got.append({"body": body.decode(), "key": method.routing_key, "header": props.headers["i"],
                    "type": props.content_type})
        ch.basic_ack(method.delivery_tag)
        if len(got) == 5:
            break
    ch.cancel()
    missing = None
    try:
        ch.queue_declare(queue="pika-missing", passive=True)
    except pika.exceptions.ChannelClosedByBroker as e:
        missing = [e.reply_code, e.reply_text]
    conn.close()
    return {"received": got, "unroutable": unroutable, "missing": missing}


def select(port):
    result = {"received": []}

    def on_open(conn):
        conn.channel(on_open_callback=on_channel)

    def on_channel(ch):
        def on_declared(frame):
            q = frame.method.queue
            ch.basic_consume(queue=q, on_message_callback=on_message)
            ch.basic_publish(exchange="", routing_key=q, body=b"async hello")

        def on_message(c, method, props, body):
            result["received"].append(body.decode())
            c.basic_ack(method.delivery_tag)
            c.connection.close()

        ch.queue_declare(queue="", exclusive=True, callback=on_declared)

    conn = pika.SelectConnection(params(port), on_open_callback=on_open,
                                 on_open_error_callback=lambda c, e: result.update(error=str(e)))
    conn.ioloop.call_later(20, conn.ioloop.stop)
    conn.add_on_close_callback(lambda c, reason: c.ioloop.stop())
    conn.ioloop.start()
    return result


if __name__ == "__main__":
    scenario, port = sys.argv[1], int(sys.argv[2])
    print(json.dumps({"blocking": blocking, "select": select}[scenario](port)))

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


def direct_reply_to(port):
    """An RPC round trip: the server on its own connection, the client reading replies from amq.rabbitmq.reply-to."""
    server = pika.BlockingConnection(params(port))
    sch = server.channel()
    requests = sch.queue_declare(queue="", exclusive=True).method.queue
    client = pika.BlockingConnection(params(port))
    cch = client.channel()
    replies = []
    cch.basic_consume(queue="amq.rabbitmq.reply-to", auto_ack=True,
                      on_message_callback=lambda c, m, p, b: replies.append(
                          {"body": b.decode(), "correlation_id": p.correlation_id,
                           "via": m.routing_key.startswith("amq.rabbitmq.reply-to.")}))
    seen_reply_to = []
    for i in range(3):
        cch.basic_publish(exchange="", routing_key=requests, body=b"ping%d" % i,
                          properties=pika.BasicProperties(reply_to="amq.rabbitmq.reply-to", correlation_id=str(i)))
        method, props, body = next(sch.consume(requests, auto_ack=True, inactivity_timeout=10))
        seen_reply_to.append(props.reply_to != "amq.rabbitmq.reply-to"
                             and props.reply_to.startswith("amq.rabbitmq.reply-to."))
        sch.basic_publish(exchange="", routing_key=props.reply_to, body=body.replace(b"ping", b"pong"),
                          properties=pika.BasicProperties(correlation_id=props.correlation_id))
        deadline = 100
        while len(replies) <= i and deadline > 0:
            client.process_data_events(time_limit=0.1)
            deadline -= 1
    client.close()
    server.close()
    return {"replies": replies, "rewritten": seen_reply_to}


if __name__ == "__main__":
    scenario, port = sys.argv[1], int(sys.argv[2])
    print(json.dumps({"blocking": blocking, "select": select, "direct-reply-to": direct_reply_to}[scenario](port)))

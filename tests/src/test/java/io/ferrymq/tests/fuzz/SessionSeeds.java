package io.ferrymq.tests.fuzz;

import io.ferrymq.amqp.message.AmqpCodec;
import org.apache.qpid.proton.amqp.Binary;
import org.apache.qpid.proton.amqp.Symbol;
import org.apache.qpid.proton.amqp.UnsignedInteger;
import org.apache.qpid.proton.amqp.messaging.AmqpValue;
import org.apache.qpid.proton.amqp.messaging.Source;
import org.apache.qpid.proton.amqp.messaging.Target;
import org.apache.qpid.proton.amqp.security.SaslInit;
import org.apache.qpid.proton.amqp.transport.Attach;
import org.apache.qpid.proton.amqp.transport.Begin;
import org.apache.qpid.proton.amqp.transport.Close;
import org.apache.qpid.proton.amqp.transport.Detach;
import org.apache.qpid.proton.amqp.transport.Flow;
import org.apache.qpid.proton.amqp.transport.Open;
import org.apache.qpid.proton.amqp.transport.Role;
import org.apache.qpid.proton.amqp.transport.Transfer;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** Valid sessions of every protocol, in bytes: what the socket fuzzer damages. */
final class SessionSeeds {

    private SessionSeeds() {
    }

    static List<byte[]> of(ListenerSocketFuzzTest.Listener listener) {
        return switch (listener) {
            case STOMP -> stomp();
            case MQTT -> mqtt();
            case AMQP -> List.of(amqp());
            case HTTP -> http();
            case WEBSOCKET -> websocket();
            case UNIFIED -> {
                List<byte[]> all = new ArrayList<>(stomp());
                all.addAll(mqtt());
                all.add(amqp());
                yield all;
            }
        };
    }

    static List<byte[]> stomp() {
        return List.of(
                utf8("CONNECT\naccept-version:1.2\nhost:/\nlogin:guest\npasscode:guest\nheart-beat:0,0\n\n\0"
                        + "SUBSCRIBE\nid:0\ndestination:/queue/fz\nack:client-individual\n\n\0"
                        + "SEND\ndestination:/queue/fz\ncontent-length:5\nreceipt:r1\n\nhello\0"
                        + "ACK\nid:0\n\n\0NACK\nid:1\n\n\0UNSUBSCRIBE\nid:0\n\n\0DISCONNECT\nreceipt:bye\n\n\0"),
                utf8("STOMP\naccept-version:1.0,1.1\nhost:/\nlogin:guest\npasscode:guest\n\n\0"
                        + "BEGIN\ntransaction:t\n\n\0SEND\ndestination:/topic/fz.a\ntransaction:t\n\nx\\c\0"
                        + "COMMIT\ntransaction:t\n\n\0SUBSCRIBE\nid:1\ndestination:/exchange/amq.topic/fz.#\n\n\0"));
    }

    static List<byte[]> mqtt() {
        byte[] connect3 = packet(0x10, str("MQTT"), bytes(4, 0xC2, 0, 60), str("fz3"), str("guest"), str("guest"));
        byte[] connect5 = packet(0x10, str("MQTT"), bytes(5, 0xC2, 0, 60), bytes(5, 0x11, 0, 0, 0, 10), str("fz5"),
                str("guest"), str("guest"));
        return List.of(
                concat(connect3, packet(0x82, bytes(0, 1), str("fz/#"), bytes(1)),
                        packet(0x32, str("fz/a"), bytes(0, 2), utf8("hello")),
                        packet(0x34, str("fz/b"), bytes(0, 3), utf8("two")), packet(0x62, bytes(0, 3)),
                        packet(0xC0), packet(0xA2, bytes(0, 4), str("fz/#")), packet(0xE0)),
                concat(connect5, packet(0x82, bytes(0, 1), bytes(0), str("fz/+"), bytes(0x2E)),
                        packet(0x32, str("fz/5"), bytes(0, 2), bytes(5, 0x01, 1, 0x23, 0, 3), utf8("v5")),
                        packet(0xE0, bytes(0x04, 0))));
    }

    static byte[] amqp() {
        SaslInit init = new SaslInit();
        init.setMechanism(Symbol.valueOf("PLAIN"));
        init.setInitialResponse(new Binary(utf8("\0admin\0secret")));
        Open open = new Open();
        open.setContainerId("fuzz");
        Begin begin = new Begin();
        begin.setNextOutgoingId(UnsignedInteger.ZERO);
        begin.setIncomingWindow(UnsignedInteger.valueOf(100));
        begin.setOutgoingWindow(UnsignedInteger.valueOf(100));
        Attach sender = new Attach();
        sender.setName("fz-sender");
        sender.setHandle(UnsignedInteger.ZERO);
        sender.setRole(Role.SENDER);
        sender.setSource(new Source());
        Target target = new Target();
        target.setAddress("fz.q");
        sender.setTarget(target);
        sender.setInitialDeliveryCount(UnsignedInteger.ZERO);
        Transfer transfer = new Transfer();
        transfer.setHandle(UnsignedInteger.ZERO);
        transfer.setDeliveryId(UnsignedInteger.ZERO);
        transfer.setDeliveryTag(new Binary(new byte[] {1}));
        transfer.setMessageFormat(UnsignedInteger.ZERO);
        Attach receiver = new Attach();
        receiver.setName("fz-receiver");
        receiver.setHandle(UnsignedInteger.ONE);
        receiver.setRole(Role.RECEIVER);
        Source source = new Source();
        source.setAddress("fz.q");
        receiver.setSource(source);
        receiver.setTarget(new Target());
        Flow flow = new Flow();
        flow.setHandle(UnsignedInteger.ONE);
        flow.setNextIncomingId(UnsignedInteger.ZERO);
        flow.setIncomingWindow(UnsignedInteger.valueOf(100));
        flow.setNextOutgoingId(UnsignedInteger.ZERO);
        flow.setOutgoingWindow(UnsignedInteger.valueOf(100));
        flow.setDeliveryCount(UnsignedInteger.ZERO);
        flow.setLinkCredit(UnsignedInteger.valueOf(10));
        Detach detach = new Detach();
        detach.setHandle(UnsignedInteger.ZERO);
        detach.setClosed(true);
        return concat(new byte[] {'A', 'M', 'Q', 'P', 3, 1, 0, 0}, amqpFrame(1, init, null),
                new byte[] {'A', 'M', 'Q', 'P', 0, 1, 0, 0}, amqpFrame(0, open, null), amqpFrame(0, begin, null),
                amqpFrame(0, sender, null), amqpFrame(0, transfer, AmqpCodec.get().encode(new AmqpValue("hello"))),
                amqpFrame(0, receiver, null), amqpFrame(0, flow, null), amqpFrame(0, detach, null),
                amqpFrame(0, new Close(), null));
    }

    static List<byte[]> http() {
        return List.of(
                request("POST", "/", "Content-Type: application/x-www-form-urlencoded\r\n",
                        "Action=CreateQueue&QueueName=fz&Attribute.1.Name=VisibilityTimeout&Attribute.1.Value=40"),
                concat(request("POST", "/", "Content-Type: application/x-www-form-urlencoded\r\n",
                                "Action=SendMessage&QueueUrl=http%3A%2F%2F127.0.0.1%2F000000000000%2Ffz&MessageBody=hi"),
                        request("GET", "/?Action=ListQueues&QueueNamePrefix=f", "", "")),
                request("POST", "/", "Content-Type: application/x-amz-json-1.0\r\nX-Amz-Target: AmazonSQS.SendMessage\r\n",
                        "{\"QueueUrl\":\"http://127.0.0.1/000000000000/fz\",\"MessageBody\":\"hi\",\"DelaySeconds\":0}"),
                request("POST", "/", "Content-Type: application/x-www-form-urlencoded\r\n"
                        + "Authorization: AWS4-HMAC-SHA256 Credential=AKID/20261207/us-east-1/sqs/aws4_request, "
                        + "SignedHeaders=host;x-amz-date, Signature=00\r\nX-Amz-Date: 20261207T000000Z\r\n",
                        "Action=ListQueues"),
                request("POST", "/", "Content-Type: application/x-www-form-urlencoded\r\n",
                        "Action=CreateTopic&Name=fzt&Version=2010-03-31"));
    }

    static List<byte[]> websocket() {
        return List.of(
                concat(handshake("v12.stomp"), maskedFrame(0x81, stomp().get(0))),
                concat(handshake("mqtt"), maskedFrame(0x82, mqtt().get(0))),
                concat(handshake("amqp"), maskedFrame(0x82, amqp())),
                concat(handshake("v12.stomp"), maskedFrame(0x01, utf8("CONNECT\naccept-version:1.2\n")),
                        maskedFrame(0x80, utf8("login:guest\npasscode:guest\n\n\0")), maskedFrame(0x89, utf8("p")),
                        maskedFrame(0x88, new byte[] {3, (byte) 0xe8})));
    }

    static byte[] handshake(String subprotocol) {
        return utf8("GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n"
                + "Sec-WebSocket-Protocol: " + subprotocol + "\r\n\r\n");
    }

    /** A masked client frame (RFC 6455 5.3), any payload length. */
    static byte[] maskedFrame(int firstByte, byte[] p) {
        byte[] mask = {0x1f, 0x2e, 0x3d, 0x4c};
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(firstByte);
        if (p.length < 126) {
            out.write(0x80 | p.length);
        } else if (p.length < 65536) {
            out.write(0x80 | 126);
            out.write(p.length >> 8);
            out.write(p.length);
        } else {
            out.write(0x80 | 127);
            for (int i = 7; i >= 0; i--) {
                out.write((int) ((long) p.length >> (8 * i)));
            }
        }
        out.writeBytes(mask);
        for (int i = 0; i < p.length; i++) {
            out.write(p[i] ^ mask[i % 4]);
        }
        return out.toByteArray();
    }

    private static byte[] request(String method, String path, String headers, String body) {
        byte[] b = utf8(body);
        return concat(utf8(method + " " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n" + headers
                + "Content-Length: " + b.length + "\r\n\r\n"), b);
    }

    private static byte[] amqpFrame(int type, Object performative, byte[] payload) {
        byte[] body = AmqpCodec.get().encode(performative);
        int size = 8 + body.length + (payload == null ? 0 : payload.length);
        ByteBuffer b = ByteBuffer.allocate(size);
        b.putInt(size).put((byte) 2).put((byte) type).putShort((short) 0).put(body);
        if (payload != null) {
            b.put(payload);
        }
        return b.array();
    }

    static byte[] packet(int header, byte[]... parts) {
        byte[] body = concat(parts);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(header);
        int len = body.length;
        do {
            int digit = len % 128;
            len /= 128;
            out.write(len > 0 ? digit | 0x80 : digit);
        } while (len > 0);
        out.writeBytes(body);
        return out.toByteArray();
    }

    private static byte[] str(String s) {
        byte[] b = utf8(s);
        return concat(bytes(b.length >> 8, b.length & 0xff), b);
    }

    private static byte[] bytes(int... values) {
        byte[] b = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            b[i] = (byte) values[i];
        }
        return b;
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }
}

package io.ferrymq.amqp.message;

import org.apache.qpid.proton.amqp.Symbol;

/**
 * The AMQP JMS Mapping's annotations (as Qpid JMS, Artemis and ActiveMQ use them): which JMS message type a
 * message is, and whether its {@code to} and {@code reply-to} name queues or topics.
 */
public final class JmsMapping {

    public static final Symbol JMS_MSG_TYPE = Symbol.valueOf("x-opt-jms-msg-type");
    public static final Symbol JMS_DEST = Symbol.valueOf("x-opt-jms-dest");
    public static final Symbol JMS_REPLY_TO = Symbol.valueOf("x-opt-jms-reply-to");
    public static final Symbol DELIVERY_TIME = Symbol.valueOf("x-opt-delivery-time");
    public static final Symbol DELIVERY_DELAY = Symbol.valueOf("x-opt-delivery-delay");

    public static final byte MESSAGE = 0;
    public static final byte OBJECT = 1;
    public static final byte MAP = 2;
    public static final byte BYTES = 3;
    public static final byte STREAM = 4;
    public static final byte TEXT = 5;

    public static final byte QUEUE = 0;
    public static final byte TOPIC = 1;
    public static final byte TEMP_QUEUE = 2;
    public static final byte TEMP_TOPIC = 3;

    public static final String SERIALIZED_OBJECT = "application/x-java-serialized-object";

    private JmsMapping() {
    }

    /** True for the destination types that are topics. */
    public static boolean isTopic(Object destType) {
        return destType instanceof Number n && (n.byteValue() == TOPIC || n.byteValue() == TEMP_TOPIC);
    }
}

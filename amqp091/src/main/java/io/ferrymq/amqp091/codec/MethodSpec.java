package io.ferrymq.amqp091.codec;

import java.util.HashMap;
import java.util.Map;

/**
 * The AMQP 0-9-1 method table (the spec's classes and methods, with RabbitMQ's extensions: exchange.bind,
 * basic.nack, confirm, connection.blocked and update-secret). Each method's arguments are a signature, one
 * letter per field in order: {@code o} octet, {@code h} short, {@code l} long, {@code L} long long,
 * {@code s} short string, {@code S} long string, {@code b} bit, {@code t} field table, {@code T} timestamp.
 */
public enum MethodSpec {
    CONNECTION_START(10, 10, "ootSS"),
    CONNECTION_START_OK(10, 11, "tsSs"),
    CONNECTION_SECURE(10, 20, "S"),
    CONNECTION_SECURE_OK(10, 21, "S"),
    CONNECTION_TUNE(10, 30, "hlh"),
    CONNECTION_TUNE_OK(10, 31, "hlh"),
    CONNECTION_OPEN(10, 40, "ssb"),
    CONNECTION_OPEN_OK(10, 41, "s"),
    CONNECTION_CLOSE(10, 50, "hshh"),
    CONNECTION_CLOSE_OK(10, 51, ""),
    CONNECTION_BLOCKED(10, 60, "s"),
    CONNECTION_UNBLOCKED(10, 61, ""),
    CONNECTION_UPDATE_SECRET(10, 70, "Ss"),
    CONNECTION_UPDATE_SECRET_OK(10, 71, ""),

    CHANNEL_OPEN(20, 10, "s"),
    CHANNEL_OPEN_OK(20, 11, "S"),
    CHANNEL_FLOW(20, 20, "b"),
    CHANNEL_FLOW_OK(20, 21, "b"),
    CHANNEL_CLOSE(20, 40, "hshh"),
    CHANNEL_CLOSE_OK(20, 41, ""),

    EXCHANGE_DECLARE(40, 10, "hssbbbbbt"),
    EXCHANGE_DECLARE_OK(40, 11, ""),
    EXCHANGE_DELETE(40, 20, "hsbb"),
    EXCHANGE_DELETE_OK(40, 21, ""),
    EXCHANGE_BIND(40, 30, "hsssbt"),
    EXCHANGE_BIND_OK(40, 31, ""),
    EXCHANGE_UNBIND(40, 40, "hsssbt"),
    EXCHANGE_UNBIND_OK(40, 51, ""),

    QUEUE_DECLARE(50, 10, "hsbbbbbt"),
    QUEUE_DECLARE_OK(50, 11, "sll"),
    QUEUE_BIND(50, 20, "hsssbt"),
    QUEUE_BIND_OK(50, 21, ""),
    QUEUE_PURGE(50, 30, "hsb"),
    QUEUE_PURGE_OK(50, 31, "l"),
    QUEUE_DELETE(50, 40, "hsbbb"),
    QUEUE_DELETE_OK(50, 41, "l"),
    QUEUE_UNBIND(50, 50, "hssst"),
    QUEUE_UNBIND_OK(50, 51, ""),

    BASIC_QOS(60, 10, "lhb"),
    BASIC_QOS_OK(60, 11, ""),
    BASIC_CONSUME(60, 20, "hssbbbbt"),
    BASIC_CONSUME_OK(60, 21, "s"),
    BASIC_CANCEL(60, 30, "sb"),
    BASIC_CANCEL_OK(60, 31, "s"),
    BASIC_PUBLISH(60, 40, "hssbb"),
    BASIC_RETURN(60, 50, "hsss"),
    BASIC_DELIVER(60, 60, "sLbss"),
    BASIC_GET(60, 70, "hsb"),
    BASIC_GET_OK(60, 71, "Lbssl"),
    BASIC_GET_EMPTY(60, 72, "s"),
    BASIC_ACK(60, 80, "Lb"),
    BASIC_REJECT(60, 90, "Lb"),
    BASIC_RECOVER_ASYNC(60, 100, "b"),
    BASIC_RECOVER(60, 110, "b"),
    BASIC_RECOVER_OK(60, 111, ""),
    BASIC_NACK(60, 120, "Lbb"),

    CONFIRM_SELECT(85, 10, "b"),
    CONFIRM_SELECT_OK(85, 11, ""),

    TX_SELECT(90, 10, ""),
    TX_SELECT_OK(90, 11, ""),
    TX_COMMIT(90, 20, ""),
    TX_COMMIT_OK(90, 21, ""),
    TX_ROLLBACK(90, 30, ""),
    TX_ROLLBACK_OK(90, 31, "");

    private static final Map<Integer, MethodSpec> BY_ID = new HashMap<>();

    static {
        for (MethodSpec m : values()) {
            BY_ID.put(key(m.classId, m.methodId), m);
        }
    }

    private final int classId;
    private final int methodId;
    private final String signature;
    private final String wireName;

    MethodSpec(int classId, int methodId, String signature) {
        this.classId = classId;
        this.methodId = methodId;
        this.signature = signature;
        String n = name().toLowerCase(java.util.Locale.ROOT);
        int cut = n.indexOf('_');
        this.wireName = n.substring(0, cut) + "." + n.substring(cut + 1).replace('_', '-');
    }

    public int classId() {
        return classId;
    }

    public int methodId() {
        return methodId;
    }

    public String signature() {
        return signature;
    }

    /** As the spec writes it: {@code queue.declare-ok}. */
    public String wireName() {
        return wireName;
    }

    /** Whether a content header and body follow the method (basic.publish, deliver, return, get-ok). */
    public boolean hasContent() {
        return this == BASIC_PUBLISH || this == BASIC_DELIVER || this == BASIC_RETURN || this == BASIC_GET_OK;
    }

    /** The method for a class and method id, or null when the spec has none. */
    public static MethodSpec of(int classId, int methodId) {
        return BY_ID.get(key(classId, methodId));
    }

    private static int key(int classId, int methodId) {
        return classId << 16 | methodId;
    }
}

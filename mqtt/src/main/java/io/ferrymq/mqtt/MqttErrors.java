package io.ferrymq.mqtt;

import io.ferrymq.core.errors.ErrorCode;
import io.netty.handler.codec.mqtt.MqttConnectReturnCode;

import static io.ferrymq.mqtt.ReasonCodes.*;

/**
 * The one mapping from the core's errors to MQTT's answers, per packet that can carry a refusal: PUBACK and
 * PUBREC, SUBACK, CONNACK (3.1.1 return codes and 5.0 reason codes) and a server's DISCONNECT. Each switch
 * lists every {@link ErrorCode} without a default, so a new code does not compile until it is given its
 * MQTT answer. Reason codes are the MQTT 5 ones (2.4, and the table of each packet).
 */
final class MqttErrors {

    private MqttErrors() {
    }

    /** The PUBACK / PUBREC reason code (MQTT 5, 3.4.2.1) of a publish the core refused. */
    static byte publishRefused(ErrorCode code) {
        return switch (code) {
            case AUTHENTICATION_FAILED, UNAUTHORIZED -> NOT_AUTHORIZED;
            case RESOURCE_LIMIT_EXCEEDED, DISK_FULL -> QUOTA_EXCEEDED;
            case INVALID_ARGUMENT, PRECONDITION_FAILED, RESOURCE_LOCKED -> IMPLEMENTATION_SPECIFIC;
            case NOT_FOUND, ILLEGAL_STATE, UNAVAILABLE, INTERNAL -> UNSPECIFIED;
        };
    }

    /**
     * Whether an MQTT 3 connection stays open after the core refused one of its QoS 1/2 publishes. MQTT 3
     * cannot refuse a publish: a refusal that may pass later (a full queue or disk, a stopping broker) closes
     * the connection, so the client sends the publish again after reconnecting; one that will never pass
     * (not authorized) is acknowledged and dropped, or the client would resend it forever.
     */
    static boolean v3KeepsConnectionAfterRefusedPublish(ErrorCode code) {
        return switch (code) {
            case AUTHENTICATION_FAILED, UNAUTHORIZED -> true;
            case NOT_FOUND, PRECONDITION_FAILED, RESOURCE_LOCKED, RESOURCE_LIMIT_EXCEEDED, DISK_FULL,
                 INVALID_ARGUMENT, ILLEGAL_STATE, UNAVAILABLE, INTERNAL -> false;
        };
    }

    /** The SUBACK reason code of a refused subscription: MQTT 5's (3.9.3), or 3.1.1's only failure code. */
    static int subscribeRefused(ErrorCode code, boolean v5) {
        if (!v5) {
            return UNSPECIFIED & 0xff;
        }
        byte reason = switch (code) {
            case AUTHENTICATION_FAILED, UNAUTHORIZED -> NOT_AUTHORIZED;
            case RESOURCE_LIMIT_EXCEEDED, DISK_FULL -> QUOTA_EXCEEDED;
            // The filter is the only argument of a subscription.
            case INVALID_ARGUMENT -> TOPIC_FILTER_INVALID;
            case PRECONDITION_FAILED, RESOURCE_LOCKED -> IMPLEMENTATION_SPECIFIC;
            case NOT_FOUND, ILLEGAL_STATE, UNAVAILABLE, INTERNAL -> UNSPECIFIED;
        };
        return reason & 0xff;
    }

    /** The CONNACK code of a connection the core refused (opening the session), in the client's version. */
    static MqttConnectReturnCode connectRefused(ErrorCode code, boolean v5) {
        return v5 ? connectRefusedV5(code) : connectRefusedV3(code);
    }

    private static MqttConnectReturnCode connectRefusedV5(ErrorCode code) {
        return switch (code) {
            case AUTHENTICATION_FAILED -> MqttConnectReturnCode.CONNECTION_REFUSED_BAD_USERNAME_OR_PASSWORD;
            // NOT_FOUND: the virtual host; saying which exist would tell a stranger too much.
            case UNAUTHORIZED, NOT_FOUND -> MqttConnectReturnCode.CONNECTION_REFUSED_NOT_AUTHORIZED_5;
            case UNAVAILABLE -> MqttConnectReturnCode.CONNECTION_REFUSED_SERVER_UNAVAILABLE_5;
            case RESOURCE_LIMIT_EXCEEDED -> MqttConnectReturnCode.CONNECTION_REFUSED_QUOTA_EXCEEDED;
            case DISK_FULL -> MqttConnectReturnCode.CONNECTION_REFUSED_SERVER_BUSY;
            case PRECONDITION_FAILED, RESOURCE_LOCKED, INVALID_ARGUMENT, ILLEGAL_STATE ->
                    MqttConnectReturnCode.CONNECTION_REFUSED_IMPLEMENTATION_SPECIFIC;
            case INTERNAL -> MqttConnectReturnCode.CONNECTION_REFUSED_UNSPECIFIED_ERROR;
        };
    }

    /** MQTT 3.1.1 has six return codes (3.2.2.3): a refusal that may pass later says the server is unavailable. */
    private static MqttConnectReturnCode connectRefusedV3(ErrorCode code) {
        return switch (code) {
            case AUTHENTICATION_FAILED -> MqttConnectReturnCode.CONNECTION_REFUSED_BAD_USER_NAME_OR_PASSWORD;
            case UNAUTHORIZED, NOT_FOUND, PRECONDITION_FAILED, RESOURCE_LOCKED, INVALID_ARGUMENT, ILLEGAL_STATE ->
                    MqttConnectReturnCode.CONNECTION_REFUSED_NOT_AUTHORIZED;
            case UNAVAILABLE, RESOURCE_LIMIT_EXCEEDED, DISK_FULL, INTERNAL ->
                    MqttConnectReturnCode.CONNECTION_REFUSED_SERVER_UNAVAILABLE;
        };
    }

    /** The reason code of a DISCONNECT the broker sends because the core failed or ended something (MQTT 5, 3.14.2.1). */
    static byte disconnect(ErrorCode code) {
        return switch (code) {
            case AUTHENTICATION_FAILED, UNAUTHORIZED -> NOT_AUTHORIZED;
            // Something the session used was removed (a queue deleted by an administrator).
            case NOT_FOUND -> ADMINISTRATIVE_ACTION;
            case RESOURCE_LIMIT_EXCEEDED, DISK_FULL -> QUOTA_EXCEEDED;
            case PRECONDITION_FAILED, RESOURCE_LOCKED, INVALID_ARGUMENT, ILLEGAL_STATE -> IMPLEMENTATION_SPECIFIC;
            case UNAVAILABLE -> SERVER_SHUTTING_DOWN;
            case INTERNAL -> UNSPECIFIED;
        };
    }
}

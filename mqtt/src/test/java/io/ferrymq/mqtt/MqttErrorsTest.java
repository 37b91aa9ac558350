package io.ferrymq.mqtt;

import io.ferrymq.core.errors.ErrorCode;
import io.netty.handler.codec.mqtt.MqttConnectReturnCode;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every core error code gets, for every packet that can refuse, a failure code the MQTT 5 specification allows
 * in that packet (the reason-code table of 3.2.2.2, 3.4.2.1, 3.9.3 and 3.14.2.1) and a valid MQTT 3.1.1 answer.
 */
class MqttErrorsTest {

    private static final Set<Integer> PUBACK_FAILURES = Set.of(0x80, 0x83, 0x87, 0x90, 0x91, 0x97, 0x99);
    private static final Set<Integer> SUBACK_FAILURES = Set.of(0x80, 0x83, 0x87, 0x8F, 0x91, 0x97, 0x9E, 0xA1, 0xA2);
    private static final Set<Integer> CONNACK_FAILURES = Set.of(0x80, 0x81, 0x82, 0x83, 0x84, 0x85, 0x86, 0x87, 0x88,
            0x89, 0x8A, 0x8C, 0x90, 0x95, 0x97, 0x99, 0x9A, 0x9B, 0x9C, 0x9D, 0x9F);
    /** What a server may send in DISCONNECT, less the codes only a client sends (0x04) and success. */
    private static final Set<Integer> SERVER_DISCONNECT_FAILURES = Set.of(0x80, 0x81, 0x82, 0x83, 0x87, 0x89, 0x8B,
            0x8D, 0x8E, 0x8F, 0x90, 0x93, 0x94, 0x95, 0x96, 0x97, 0x98, 0x99, 0x9A, 0x9B, 0x9C, 0x9D, 0x9E, 0x9F,
            0xA0, 0xA1, 0xA2);

    @ParameterizedTest
    @EnumSource(ErrorCode.class)
    void aRefusedPublishGetsAPubackReasonCodeTheSpecificationAllows(ErrorCode code) {
        assertThat(MqttErrors.publishRefused(code) & 0xff).isIn(PUBACK_FAILURES);
    }

    @ParameterizedTest
    @EnumSource(ErrorCode.class)
    void aRefusedSubscriptionGetsASubackReasonCodeTheSpecificationAllows(ErrorCode code) {
        assertThat(MqttErrors.subscribeRefused(code, true)).isIn(SUBACK_FAILURES);
        assertThat(MqttErrors.subscribeRefused(code, false)).as("3.1.1 has one failure code").isEqualTo(0x80);
    }

    @ParameterizedTest
    @EnumSource(ErrorCode.class)
    void aRefusedConnectionGetsAConnackCodeOfItsVersion(ErrorCode code) {
        assertThat(MqttErrors.connectRefused(code, true).byteValue() & 0xff).isIn(CONNACK_FAILURES);
        assertThat(MqttErrors.connectRefused(code, false).byteValue() & 0xff).as("3.1.1 return codes 1-5").isBetween(1, 5);
    }

    @ParameterizedTest
    @EnumSource(ErrorCode.class)
    void aDisconnectForACoreFailureUsesAReasonCodeAServerMaySend(ErrorCode code) {
        assertThat(MqttErrors.disconnect(code) & 0xff).isIn(SERVER_DISCONNECT_FAILURES);
    }

    @ParameterizedTest
    @EnumSource(value = ErrorCode.class, names = {"RESOURCE_LIMIT_EXCEEDED", "DISK_FULL"})
    void aFullQueueOrDiskIsAQuotaThatMqtt3ClientsRetryByReconnecting(ErrorCode code) {
        assertThat(MqttErrors.publishRefused(code)).isEqualTo((byte) 0x97);
        assertThat(MqttErrors.subscribeRefused(code, true)).isEqualTo(0x97);
        assertThat(MqttErrors.v3KeepsConnectionAfterRefusedPublish(code)).isFalse();
    }

    @ParameterizedTest
    @EnumSource(value = ErrorCode.class, names = {"UNAUTHORIZED", "AUTHENTICATION_FAILED"})
    void aPermissionRefusalIsNotAuthorizedEverywhereAndMqtt3KeepsTheConnection(ErrorCode code) {
        assertThat(MqttErrors.publishRefused(code)).isEqualTo((byte) 0x87);
        assertThat(MqttErrors.subscribeRefused(code, true)).isEqualTo(0x87);
        assertThat(MqttErrors.disconnect(code)).isEqualTo((byte) 0x87);
        assertThat(MqttErrors.v3KeepsConnectionAfterRefusedPublish(code)).isTrue();
    }

    @ParameterizedTest
    @EnumSource(value = ErrorCode.class, names = {"NOT_FOUND", "PRECONDITION_FAILED", "RESOURCE_LOCKED",
            "INVALID_ARGUMENT", "ILLEGAL_STATE", "UNAVAILABLE", "INTERNAL"})
    void anMqtt3PublishRefusedForAnythingButPermissionClosesTheConnection(ErrorCode code) {
        assertThat(MqttErrors.v3KeepsConnectionAfterRefusedPublish(code)).isFalse();
    }

    @org.junit.jupiter.api.Test
    void connackCodesKeepTheirMeaning() {
        assertThat(MqttErrors.connectRefused(ErrorCode.AUTHENTICATION_FAILED, true))
                .isEqualTo(MqttConnectReturnCode.CONNECTION_REFUSED_BAD_USERNAME_OR_PASSWORD);
        assertThat(MqttErrors.connectRefused(ErrorCode.AUTHENTICATION_FAILED, false))
                .isEqualTo(MqttConnectReturnCode.CONNECTION_REFUSED_BAD_USER_NAME_OR_PASSWORD);
        assertThat(MqttErrors.connectRefused(ErrorCode.UNAUTHORIZED, false))
                .isEqualTo(MqttConnectReturnCode.CONNECTION_REFUSED_NOT_AUTHORIZED);
        assertThat(MqttErrors.connectRefused(ErrorCode.UNAVAILABLE, true))
                .isEqualTo(MqttConnectReturnCode.CONNECTION_REFUSED_SERVER_UNAVAILABLE_5);
        assertThat(MqttErrors.disconnect(ErrorCode.NOT_FOUND)).as("a queue deleted under the session")
                .isEqualTo((byte) 0x98);
    }
}

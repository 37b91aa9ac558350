package io.ferrymq.openwire;

import io.ferrymq.core.errors.BrokerException;
import io.ferrymq.core.errors.ErrorCode;
import jakarta.jms.IllegalStateException;
import jakarta.jms.InvalidDestinationException;
import jakarta.jms.InvalidSelectorException;
import jakarta.jms.JMSException;
import jakarta.jms.JMSSecurityException;
import jakarta.jms.ResourceAllocationException;
import jakarta.jms.TransactionRolledBackException;
import org.apache.activemq.command.ExceptionResponse;
import org.apache.activemq.command.WireFormatInfo;
import org.apache.activemq.openwire.OpenWireFormat;
import org.apache.activemq.util.ByteSequence;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.charset.StandardCharsets;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The contract of the one OpenWire error mapping: every core error code becomes a JMS exception of the class a
 * JMS application expects, with the core's message as its text, which survives the trip through an
 * ExceptionResponse in the wire format the broker negotiates (no stack trace, no broker class on the wire).
 */
class OpenwireErrorsTest {

    private static final Map<ErrorCode, Class<? extends JMSException>> EXPECTED = Map.ofEntries(
            Map.entry(ErrorCode.AUTHENTICATION_FAILED, JMSSecurityException.class),
            Map.entry(ErrorCode.UNAUTHORIZED, JMSSecurityException.class),
            Map.entry(ErrorCode.NOT_FOUND, InvalidDestinationException.class),
            Map.entry(ErrorCode.PRECONDITION_FAILED, IllegalStateException.class),
            Map.entry(ErrorCode.RESOURCE_LOCKED, IllegalStateException.class),
            Map.entry(ErrorCode.ILLEGAL_STATE, IllegalStateException.class),
            Map.entry(ErrorCode.RESOURCE_LIMIT_EXCEEDED, ResourceAllocationException.class),
            Map.entry(ErrorCode.DISK_FULL, ResourceAllocationException.class),
            Map.entry(ErrorCode.INVALID_ARGUMENT, JMSException.class),
            Map.entry(ErrorCode.UNAVAILABLE, JMSException.class),
            Map.entry(ErrorCode.INTERNAL, JMSException.class));

    @Test
    void everyErrorCodeHasItsJmsException() {
        assertThat(EXPECTED.keySet()).containsExactlyInAnyOrder(ErrorCode.values());
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(ErrorCode.class)
    void everyErrorCodeReachesTheClientAsItsJmsExceptionWithTheMessage(ErrorCode code) throws Exception {
        JMSException e = OpenwireErrors.of(new BrokerException(code, "queue 'orders' said no"));

        assertThat(e).isExactlyInstanceOf(EXPECTED.get(code));
        assertThat(e.getMessage()).isEqualTo("queue 'orders' said no");
        assertThat(e.getErrorCode()).isEqualTo(code.name());
        assertThat(e.getStackTrace()).isEmpty();

        Throwable atClient = roundTrip(e);
        assertThat(atClient).isExactlyInstanceOf(EXPECTED.get(code));
        assertThat(atClient.getMessage()).isEqualTo("queue 'orders' said no");
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(ErrorCode.class)
    void aMissingMessageIsReplacedByADescription(ErrorCode code) {
        assertThat(OpenwireErrors.of(code, null).getMessage()).isNotBlank().doesNotContain("null");
    }

    @Test
    void selectorAndCommitFailuresHaveTheirOwnExceptions() throws Exception {
        JMSException selector = OpenwireErrors.invalidSelector("a ==", "unexpected '='");
        assertThat(roundTrip(selector)).isExactlyInstanceOf(InvalidSelectorException.class)
                .hasMessageContaining("a ==").hasMessageContaining("unexpected '='");
        JMSException commit = OpenwireErrors.commitFailed(BrokerException.resourceLimit("queue 'q' is full"));
        assertThat(roundTrip(commit)).isExactlyInstanceOf(TransactionRolledBackException.class)
                .hasMessageContaining("queue 'q' is full");
    }

    /** Marshals an ExceptionResponse as the broker does (stack traces never negotiated) and reads it as a client. */
    private static Throwable roundTrip(JMSException e) throws Exception {
        OpenWireFormat broker = negotiated();
        ExceptionResponse response = new ExceptionResponse(e);
        response.setCorrelationId(7);
        ByteSequence bytes = broker.marshal(response);
        String wire = new String(bytes.getData(), bytes.getOffset(), bytes.getLength(), StandardCharsets.ISO_8859_1);
        assertThat(wire).doesNotContain("io.ferrymq").doesNotContain("OpenwireErrors");
        ExceptionResponse read = (ExceptionResponse) negotiated().unmarshal(bytes);
        assertThat(read.getCorrelationId()).isEqualTo(7);
        return read.getException();
    }

    private static OpenWireFormat negotiated() throws Exception {
        OpenWireFormat format = new OpenWireFormat(OpenwireCodec.MAX_VERSION);
        WireFormatInfo offered = new OpenwireCodec(OpenwireSettings.defaults()).offered();
        format.setPreferedWireFormatInfo(offered);
        WireFormatInfo client = new WireFormatInfo();
        client.setVersion(OpenwireCodec.MAX_VERSION);
        client.setStackTraceEnabled(true);
        client.setTightEncodingEnabled(true);
        client.setCacheEnabled(false);
        format.renegotiateWireFormat(client);
        return format;
    }
}

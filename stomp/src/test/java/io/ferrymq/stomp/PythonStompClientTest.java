package io.ferrymq.stomp;

import com.fasterxml.jackson.databind.JsonNode;
import io.ferrymq.transport.testing.EmbeddedBrokerExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Debian's python3-stomp client (stomp.py), a second independent implementation, against the broker. */
class PythonStompClientTest {

    @RegisterExtension
    final EmbeddedBrokerExtension broker = EmbeddedBrokerExtension.builder()
            .protocol(b -> new StompProtocol(b, StompSettings.defaults()))
            .tcp("stomp", StompProtocol.NAME)
            .websocket("ws", StompProtocol.NAME)
            .build();

    @Test
    void everyProtocolVersionConnectsSendsAndReceives() throws Exception {
        JsonNode r = PythonStompClient.run("versions", broker.port("stomp"));
        for (String v : List.of("1.0", "1.1", "1.2")) {
            assertThat(r.get(v).get("negotiated").asText()).isEqualTo(v);
            assertThat(r.get(v).get("body").asText()).isEqualTo("hello " + v);
        }
    }

    @Test
    void transactionalSendsAppearOnlyOnCommitAndAbortDiscardsThem() throws Exception {
        JsonNode r = PythonStompClient.run("transactions", broker.port("stomp"));
        assertThat(texts(r.get("before_commit"))).isEmpty();
        assertThat(texts(r.get("after_commit"))).containsExactly("in-tx-1", "in-tx-2");
        assertThat(texts(r.get("after_abort"))).isEmpty();
    }

    @Test
    void abortedTransactionalAckRedeliversTheMessage() throws Exception {
        JsonNode r = PythonStompClient.run("transactional_ack", broker.port("stomp"));
        assertThat(r.get("first_redelivered").asText()).isEqualTo("false");
        assertThat(r.get("again_redelivered").asText()).isEqualTo("true");
        assertThat(r.get("again_body").asText()).isEqualTo("work");
        assertThat(broker.broker().vhost("/").queue("txack").exactStats().join().total()).isZero();
    }

    @Test
    void cumulativeAndIndividualAcksAndNack() throws Exception {
        JsonNode r = PythonStompClient.run("ack_modes", broker.port("stomp"));
        assertThat(r.get("redelivered_body").asText()).isEqualTo("i0");
        assertThat(r.get("redelivered_flag").asText()).isEqualTo("true");
        assertThat(broker.broker().vhost("/").queue("acks-client").exactStats().join().total()).isZero();
        assertThat(broker.broker().vhost("/").queue("acks-individual").exactStats().join().total()).isZero();
    }

    @Test
    void unacknowledgedMessageIsRedeliveredToTheNextConsumer() throws Exception {
        JsonNode r = PythonStompClient.run("unacked_redelivered_after_disconnect", broker.port("stomp"));
        assertThat(r.get("body").asText()).isEqualTo("pending");
        assertThat(r.get("redelivered").asText()).isEqualTo("true");
    }

    @Test
    void binaryBodiesAndEscapedHeadersSurviveTheRoundTrip() throws Exception {
        JsonNode r = PythonStompClient.run("binary_and_escaping", broker.port("stomp"));
        assertThat(r.get("body_hex").asText()).isEqualTo("000102ff000a0d00");
        assertThat(r.get("content_length").asText()).isEqualTo("8");
        assertThat(r.get("weird").asText()).isEqualTo("a:b\nc\\d");
    }

    @Test
    void temporaryReplyQueueCarriesTheReply() throws Exception {
        JsonNode r = PythonStompClient.run("temp_queue_request_reply", broker.port("stomp"));
        assertThat(r.get("reply_to").asText()).startsWith("/reply-queue/");
        assertThat(r.get("reply").asText()).isEqualTo("pong");
        assertThat(r.get("subscription").asText()).isEqualTo("/temp-queue/answers");
    }

    @Test
    void disconnectReceiptComesAfterEveryEarlierPersistentSend() throws Exception {
        JsonNode r = PythonStompClient.run("disconnect_receipt_after_persistent_sends", broker.port("stomp"));
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            expected.add("m" + i);
        }
        assertThat(texts(r.get("bodies"))).containsExactlyElementsOf(expected);
    }

    private static List<String> texts(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }
}

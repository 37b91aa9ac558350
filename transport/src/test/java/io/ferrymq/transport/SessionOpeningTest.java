package io.ferrymq.transport;

import io.ferrymq.core.api.Session;
import io.ferrymq.core.errors.BrokerException;
import io.ferrymq.core.errors.ErrorCode;
import io.ferrymq.core.security.ClientInfo;
import io.ferrymq.core.testing.RecordingSink;
import io.ferrymq.core.testing.TestBroker;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class SessionOpeningTest {

    private final TestBroker broker = TestBroker.start();
    private final List<Session> sessions = new ArrayList<>();
    private final List<BrokerException> refusals = new ArrayList<>();

    @AfterEach
    void close() {
        broker.close();
    }

    private void open(String password, boolean abandoned) {
        ClientInfo client = new ClientInfo(broker.broker().newConnectionId(), "test", null, "test", null);
        SessionOpening.open(broker.broker(), "/", client, TestBroker.ADMIN, password, new RecordingSink(),
                () -> abandoned, (s, e) -> {
                    if (s != null) {
                        sessions.add(s);
                    } else {
                        refusals.add(e);
                    }
                });
    }

    @Test
    void goodCredentialsHandTheSessionOver() {
        open(TestBroker.PASSWORD, false);

        assertThat(refusals).isEmpty();
        assertThat(sessions).singleElement().satisfies(s -> assertThat(s.isClosed()).isFalse());
        assertThat(broker.broker().sessionCount()).isEqualTo(1);
    }

    @Test
    void badCredentialsAreRefusedWithTheBrokersError() {
        open("wrong", false);

        assertThat(sessions).isEmpty();
        assertThat(refusals).singleElement().satisfies(e -> assertThat(e.code()).isEqualTo(ErrorCode.AUTHENTICATION_FAILED));
    }

    @Test
    void aSessionArrivingForAnAbandonedHandshakeIsClosedAndNotHandedOver() {
        open(TestBroker.PASSWORD, true);

        assertThat(sessions).isEmpty();
        assertThat(refusals).isEmpty();
        assertThat(broker.broker().sessionCount()).isZero();
    }
}

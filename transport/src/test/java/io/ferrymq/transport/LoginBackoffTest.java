package io.ferrymq.transport;

import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;

import static org.assertj.core.api.Assertions.assertThat;

/** Password guessing is slowed per source address, and only there. */
class LoginBackoffTest {

    private final LoginBackoff backoff = new LoginBackoff();
    private final InetSocketAddress guesser = new InetSocketAddress("192.0.2.10", 40000);
    private final InetSocketAddress other = new InetSocketAddress("192.0.2.11", 40000);

    @Test
    void delayGrowsAfterTheFreeFailuresAndIsCapped() {
        long now = 1_000_000;
        for (int i = 0; i < LoginBackoff.FREE_FAILURES; i++) {
            assertThat(backoff.delayMillis(guesser, now)).isZero();
            backoff.failed(guesser, now);
        }
        assertThat(backoff.delayMillis(guesser, now)).isEqualTo(250);
        backoff.failed(guesser, now);
        assertThat(backoff.delayMillis(guesser, now)).isEqualTo(500);
        for (int i = 0; i < 10; i++) {
            backoff.failed(guesser, now);
        }
        assertThat(backoff.delayMillis(guesser, now)).isEqualTo(LoginBackoff.MAX_DELAY_MILLIS);
        assertThat(backoff.delayMillis(other, now)).isZero();
    }

    @Test
    void successOrTimeForgetsTheAddress() {
        long now = 1_000_000;
        for (int i = 0; i < 5; i++) {
            backoff.failed(guesser, now);
        }
        assertThat(backoff.delayMillis(guesser, now + LoginBackoff.FORGET_AFTER_MILLIS + 1)).isZero();
        backoff.succeeded(guesser);
        assertThat(backoff.delayMillis(guesser, now)).isZero();
    }

    @Test
    void loopbackClientsAreNotSlowed() {
        InetSocketAddress local = new InetSocketAddress("127.0.0.1", 40000);
        for (int i = 0; i < 10; i++) {
            backoff.failed(local, 1_000_000);
        }
        assertThat(backoff.delayMillis(local, 1_000_000)).isZero();
    }
}

package io.ferrymq.core.message;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

class MessageEncodedForTest {

    private final Message message = Message.builder().body("hello".getBytes(StandardCharsets.UTF_8)).build();

    @Test
    void encodesOncePerShapeAndHandsTheSameEncodingToEveryCaller() {
        AtomicInteger encodings = new AtomicInteger();
        for (int i = 0; i < 100; i++) {
            String encoded = message.encodedFor("v5/qos1", s -> encodings.incrementAndGet() + ":" + s);
            assertThat(encoded).isEqualTo("1:v5/qos1");
        }
        assertThat(encodings).hasValue(1);
    }

    @Test
    void keepsEachShapeApart() {
        assertThat(message.<String, String>encodedFor("a", s -> "A")).isEqualTo("A");
        assertThat(message.<String, String>encodedFor("b", s -> "B")).isEqualTo("B");
        assertThat(message.<String, String>encodedFor("a", s -> "not again")).isEqualTo("A");
        assertThat(message.<String, String>encodedFor("b", s -> "not again")).isEqualTo("B");
    }

    @Test
    void moreShapesThanItKeepsAreStillEncodedCorrectly() {
        for (int round = 0; round < 3; round++) {
            for (int shape = 0; shape < 10; shape++) {
                int s = shape;
                assertThat(message.<Integer, String>encodedFor(s, k -> "shape-" + k)).isEqualTo("shape-" + s);
            }
        }
    }

    @Test
    void aCopyStartsWithoutTheOriginalsEncodings() {
        message.encodedFor("shape", s -> "of the original");
        Message copy = message.withId(42);
        assertThat(copy.<String, String>encodedFor("shape", s -> "of the copy")).isEqualTo("of the copy");
        Message changed = message.toBuilder().body(new byte[] {1}).build();
        assertThat(changed.<String, String>encodedFor("shape", s -> "of the changed copy"))
                .isEqualTo("of the changed copy");
    }
}

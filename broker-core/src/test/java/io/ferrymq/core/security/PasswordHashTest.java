package io.ferrymq.core.security;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Salted PBKDF2 password hashes: creation, the text encoding, checking, and refusing malformed encodings. */
class PasswordHashTest {

    @Test
    void aHashMatchesOnlyItsPassword() {
        PasswordHash h = PasswordHash.create("s3cret", 1000);

        assertThat(h.matches("s3cret")).isTrue();
        assertThat(h.matches("s3cret ")).isFalse();
        assertThat(h.matches("S3cret")).isFalse();
        assertThat(h.matches("")).isFalse();
    }

    @Test
    void theEncodingRoundTrips() {
        PasswordHash h = PasswordHash.create("pw", 1234);

        String encoded = h.encoded();
        PasswordHash parsed = PasswordHash.parse(encoded);

        assertThat(encoded).startsWith("pbkdf2-sha256:1234:");
        assertThat(encoded.split(":")).hasSize(4);
        assertThat(parsed.matches("pw")).isTrue();
        assertThat(parsed.matches("other")).isFalse();
        assertThat(parsed.encoded()).isEqualTo(encoded);
    }

    @Test
    void eachHashHasItsOwnSalt() {
        assertThat(PasswordHash.create("pw", 1000).encoded()).isNotEqualTo(PasswordHash.create("pw", 1000).encoded());
    }

    @Test
    void theDefaultUsesTheDefaultIterations() {
        assertThat(PasswordHash.create("pw").encoded())
                .startsWith("pbkdf2-sha256:" + PasswordHash.DEFAULT_ITERATIONS + ":");
    }

    @Test
    void itNeverPrintsTheHash() {
        PasswordHash h = PasswordHash.create("pw", 1000);

        assertThat(h.toString()).doesNotContain(h.encoded().split(":")[3]);
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "",
            "plaintext",
            "md5:1000:c2FsdA==:aGFzaA==",
            "pbkdf2-sha256:1000:c2FsdA==",
            "pbkdf2-sha256:1000:c2FsdA==:aGFzaA==:extra",
    })
    void aWrongShapeIsRefusedSayingWhatItShouldLookLike(String encoded) {
        assertThatThrownBy(() -> PasswordHash.parse(encoded))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("pbkdf2-sha256:ITERATIONS:SALT:HASH");
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "pbkdf2-sha256:many:c2FsdA==:aGFzaA==",
            "pbkdf2-sha256:0:c2FsdA==:aGFzaA==",
            "pbkdf2-sha256:-5:c2FsdA==:aGFzaA==",
            "pbkdf2-sha256:1000:not*base64:aGFzaA==",
            "pbkdf2-sha256:1000:c2FsdA==:%%%",
            "pbkdf2-sha256:1000::aGFzaA==",
            "pbkdf2-sha256:1000:c2FsdA==: ",
    })
    void aMalformedPartIsRefusedAtParseTime(String encoded) {
        assertThatThrownBy(() -> PasswordHash.parse(encoded))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("malformed password hash");
    }
}

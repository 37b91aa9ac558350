package io.ferrymq.tests.matrix;

import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * A message as the receiving client saw it, in protocol-neutral terms.
 *
 * @param contentType  null when the message had none (or the protocol cannot show one)
 * @param properties   application properties, values as text
 * @param priority     null when the protocol does not show a priority
 * @param expiresAt    absolute expiry in epoch milliseconds, null when it never expires or the protocol does
 *                     not show one
 * @param markedText   whether the body came marked as text (see {@link Feature#TEXT_MARK})
 */
public record ReceivedMessage(byte[] body, String contentType, Map<String, String> properties, Integer priority,
                              Long expiresAt, boolean redelivered, boolean markedText) {

    public ReceivedMessage {
        properties = Map.copyOf(properties);
    }

    public String bodyText() {
        return new String(body, StandardCharsets.UTF_8);
    }
}

package io.ferrymq.core.message;

/**
 * A message's original wire encoding, kept so that traffic staying within one protocol pays no
 * conversion. {@code format} names the encoding (for example {@code amqp-1.0}); only the adapter
 * that produced it interprets {@code value}.
 */
public record NativeForm(String format, Object value) {
}

package io.ferrymq.aws.sqs;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * How a message body is shown to SQS clients, losslessly. SQS bodies are text that XML 1.0 can carry, but
 * other protocols send any bytes. A body that is valid UTF-8 made only of characters XML 1.0 allows (all that
 * SQS itself accepts) is shown as that text; any other body is shown base64-encoded, and the message carries
 * the attribute {@value #ENCODING_ATTRIBUTE} = {@value #BASE64} so that a client can restore the bytes.
 * The same rule holds for the Query and JSON protocols, so a client sees the same body with either.
 *
 * @param text   what SQS returns as {@code Body} (and computes {@code MD5OfBody} over)
 * @param base64 whether {@code text} is the base64 encoding of the body
 */
public record SqsBody(String text, boolean base64) {

    /** The message attribute marking a base64-encoded body. */
    public static final String ENCODING_ATTRIBUTE = "ferrymq-body-encoding";
    public static final String BASE64 = "base64";
    /** The content type of bodies sent through SQS: text, so that AMQP and STOMP consumers see text too. */
    public static final String TEXT_CONTENT_TYPE = "text/plain; charset=utf-8";

    public static SqsBody of(byte[] body) {
        String text = utf8(body);
        if (text != null && xmlText(text)) {
            return new SqsBody(text, false);
        }
        return new SqsBody(Base64.getEncoder().encodeToString(body), true);
    }

    /** The marker attribute of a base64-encoded body. */
    public static AttributeValue marker() {
        return new AttributeValue("String", BASE64, null);
    }

    /** The body as strictly decoded UTF-8, or null when it is not valid UTF-8. */
    private static String utf8(byte[] body) {
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(body)).toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }

    /** Whether every character is one XML 1.0 allows (its production {@code Char}). */
    public static boolean xmlText(String s) {
        for (int i = 0; i < s.length(); ) {
            int c = s.codePointAt(i);
            if (!xmlChar(c)) {
                return false;
            }
            i += Character.charCount(c);
        }
        return true;
    }

    static boolean xmlChar(int c) {
        return c == 0x9 || c == 0xA || c == 0xD || (c >= 0x20 && c <= 0xD7FF) || (c >= 0xE000 && c <= 0xFFFD)
                || (c >= 0x10000 && c <= 0x10FFFF);
    }
}

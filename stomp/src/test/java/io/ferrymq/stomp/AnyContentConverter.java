package io.ferrymq.stomp;

import org.springframework.messaging.Message;
import org.springframework.messaging.MessageHeaders;
import org.springframework.messaging.converter.AbstractMessageConverter;
import org.springframework.util.MimeTypeUtils;

import java.nio.charset.StandardCharsets;

/** Lets tests send and read bodies of any content type as text, which Spring's stock converters refuse. */
final class AnyContentConverter extends AbstractMessageConverter {

    AnyContentConverter() {
        super(MimeTypeUtils.ALL);
    }

    @Override
    protected boolean supports(Class<?> clazz) {
        return clazz == String.class || clazz == byte[].class;
    }

    @Override
    protected Object convertFromInternal(Message<?> message, Class<?> targetClass, Object conversionHint) {
        byte[] bytes = (byte[]) message.getPayload();
        return targetClass == String.class ? new String(bytes, StandardCharsets.UTF_8) : bytes;
    }

    @Override
    protected Object convertToInternal(Object payload, MessageHeaders headers, Object conversionHint) {
        return payload instanceof String s ? s.getBytes(StandardCharsets.UTF_8) : payload;
    }
}

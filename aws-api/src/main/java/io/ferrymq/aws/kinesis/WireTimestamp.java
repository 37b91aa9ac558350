package io.ferrymq.aws.kinesis;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonSerializable;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.jsontype.TypeSerializer;
import com.fasterxml.jackson.dataformat.cbor.CBORGenerator;

import java.io.IOException;
import java.math.BigDecimal;

/**
 * A timestamp in an answer, written as each wire format wants it: in JSON epoch seconds with a millisecond
 * fraction; in CBOR tag 1 on epoch milliseconds, which is what the AWS SDKs write and read there.
 */
record WireTimestamp(long millis) implements JsonSerializable {

    @Override
    public void serialize(JsonGenerator gen, SerializerProvider serializers) throws IOException {
        if (gen instanceof CBORGenerator cbor) {
            cbor.writeTag(1);
            cbor.writeNumber(millis);
        } else {
            gen.writeNumber(BigDecimal.valueOf(millis, 3));
        }
    }

    @Override
    public void serializeWithType(JsonGenerator gen, SerializerProvider serializers, TypeSerializer typeSer)
            throws IOException {
        serialize(gen, serializers);
    }
}

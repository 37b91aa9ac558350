package io.ferrymq.aws.sqs;

import java.util.Arrays;

/**
 * A typed message attribute as SQS and SNS carry it: a data type ({@code String}, {@code Number},
 * {@code Binary}, optionally with a custom suffix such as {@code Number.float}) and a string or binary value.
 */
public record AttributeValue(String dataType, String stringValue, byte[] binaryValue) {

    public boolean binary() {
        return dataType.startsWith("Binary");
    }

    public boolean number() {
        return dataType.startsWith("Number");
    }

    public long size(String name) {
        long n = Md5.utf8Length(name) + Md5.utf8Length(dataType);
        return n + (binaryValue != null ? binaryValue.length : Md5.utf8Length(stringValue == null ? "" : stringValue));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof AttributeValue a && dataType.equals(a.dataType)
                && java.util.Objects.equals(stringValue, a.stringValue) && Arrays.equals(binaryValue, a.binaryValue);
    }

    @Override
    public int hashCode() {
        return dataType.hashCode() * 31 + Arrays.hashCode(binaryValue);
    }
}

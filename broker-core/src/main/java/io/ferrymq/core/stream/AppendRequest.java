package io.ferrymq.core.stream;

import java.util.Objects;

/**
 * A record to append: it goes to the open shard whose hash-key range holds its hash key (the explicit one, or
 * the MD5 of its partition key).
 */
public record AppendRequest(String partitionKey, String explicitHashKey, byte[] data) {
    public AppendRequest {
        Objects.requireNonNull(partitionKey, "partitionKey");
        Objects.requireNonNull(data, "data");
    }
}

package io.ferrymq.aws.firehose;

import io.ferrymq.core.state.StateStore;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;

/**
 * Where each delivery stream has delivered its source up to, per shard: the offset after the last record
 * delivered. Kept in the module's durable state, so a restarted broker resumes there (records after it are
 * read and delivered again: delivery is at least once, as Firehose's).
 */
final class Checkpoints {

    private final StateStore store;

    Checkpoints(StateStore store) {
        this.store = store;
    }

    private static String key(String vhost, String stream, int shard) {
        return vhost + "\u0000" + stream + "\u0000" + shard;
    }

    OptionalLong get(String vhost, String stream, int shard) {
        return store.get(key(vhost, stream, shard))
                .map(b -> OptionalLong.of(Long.parseLong(new String(b, StandardCharsets.US_ASCII))))
                .orElse(OptionalLong.empty());
    }

    CompletableFuture<Void> put(String vhost, String stream, int shard, long offset) {
        return store.put(key(vhost, stream, shard), Long.toString(offset).getBytes(StandardCharsets.US_ASCII));
    }

    /** Forgets a deleted delivery stream's positions. */
    CompletableFuture<Void> removeAll(String vhost, String stream) {
        String prefix = vhost + "\u0000" + stream + "\u0000";
        List<CompletableFuture<Void>> gone = new ArrayList<>();
        for (String k : store.all().keySet()) {
            if (k.startsWith(prefix)) {
                gone.add(store.remove(k));
            }
        }
        return CompletableFuture.allOf(gone.toArray(CompletableFuture[]::new));
    }
}

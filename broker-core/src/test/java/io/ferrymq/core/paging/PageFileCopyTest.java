package io.ferrymq.core.paging;

import io.ferrymq.core.atrest.AtRestKey;
import io.ferrymq.core.message.Message;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A copy of page files made the way an HA standby makes it, from plain records, sealed with the copy's own key
 * or plain whatever the original was: it holds the same messages, and a cursor stored on the original (its
 * offset meaningless in the copy's layout) finds its place in the copy by record index.
 */
class PageFileCopyTest {

    private static final String SECRET = "copied-secret-";
    private static final int MESSAGES = 40;
    /** Where the stored cursor stands: after this many messages, in the middle of the second file. */
    private static final int READ = 21;

    @TempDir
    Path dir;

    private static AtRestKey key(String which) {
        if (which.isEmpty()) {
            return null;
        }
        byte[] k = new byte[AtRestKey.KEY_BYTES];
        for (int i = 0; i < k.length; i++) {
            k[i] = (byte) (which.charAt(0) * 31 + i);
        }
        return AtRestKey.of(k);
    }

    private static Message message(int i) {
        return Message.builder().durable(true).property("n", i).body((SECRET + i + "-" + "x".repeat(900))
                .getBytes(StandardCharsets.UTF_8)).build();
    }

    /** The records the paging service hands its replicator, per file, in order. */
    private static final class Shipped implements PageReplicator {
        final Map<Long, List<Object[]>> byFile = new HashMap<>();

        @Override
        public CompletableFuture<Void> written(long queueId, long file, long record, byte[] bytes) {
            byFile.computeIfAbsent(file, f -> new ArrayList<>()).add(new Object[] {record, bytes});
            return CompletableFuture.completedFuture(null);
        }

        @Override
        public void deleted(long queueId, long file) {
        }

        @Override
        public void cleared(long queueId) {
        }
    }

    /** Pages the messages on the original and returns the cursor a queue would store after reading {@link #READ}. */
    private static byte[] pageAndRead(PagingService original) {
        PageStore store = original.store(1);
        store.create().join();
        for (int i = 0; i < MESSAGES; i++) {
            store.append(message(i)).join();
        }
        List<PagedMessage> read = store.read(PageStore.FIRST, READ, Long.MAX_VALUE).join();
        assertThat(read).hasSize(READ);
        return read.get(READ - 1).next().encode();
    }

    private static Path file(Path root, long id) {
        return root.resolve("q-1").resolve(String.format("page-%016d.pg", id));
    }

    /** What a queue reads from the copy, from the stored cursor on. */
    private static List<Integer> readFromCursor(Path copy, AtRestKey key, byte[] cursor) {
        PagingService service = new PagingService(copy, 16 * 1024, null, key);
        try {
            PageStore store = service.store(1);
            PageStore.Backlog backlog = store.recover(PagePosition.decode(cursor)).join();
            assertThat(backlog.messages()).isEqualTo(MESSAGES - READ);
            List<Integer> out = new ArrayList<>();
            for (PagedMessage m : store.read(backlog.start(), 10_000, Long.MAX_VALUE).join()) {
                assertThat(new String(m.message().body(), StandardCharsets.UTF_8))
                        .startsWith(SECRET + m.message().property("n") + "-");
                out.add((Integer) m.message().property("n"));
            }
            return out;
        } finally {
            service.close();
        }
    }

    private static List<Integer> expected() {
        List<Integer> out = new ArrayList<>();
        for (int i = READ; i < MESSAGES; i++) {
            out.add(i);
        }
        return out;
    }

    private static void assertSealed(Path root) throws IOException {
        try (Stream<Path> s = Files.walk(root)) {
            for (Path f : s.filter(Files::isRegularFile).toList()) {
                assertThat(new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1)).as("%s", f)
                        .doesNotContain(SECRET);
            }
        }
    }

    @ParameterizedTest(name = "original key ''{0}'', copy key ''{1}''")
    @CsvSource({"a, b", "a, ''", "'', b", "'', ''"})
    void aCopyOfTheShippedRecordsServesTheOriginalsCursor(String originalKey, String copyKey) throws IOException {
        Shipped shipped = new Shipped();
        PagingService original = new PagingService(dir.resolve("original"), 16 * 1024, shipped, key(originalKey));
        byte[] cursor;
        try {
            cursor = pageAndRead(original);
        } finally {
            original.close();
        }
        Path copy = dir.resolve("copy");
        Files.createDirectories(copy.resolve("q-1"));
        assertThat(shipped.byFile).hasSizeGreaterThan(2);
        for (Map.Entry<Long, List<Object[]>> f : shipped.byFile.entrySet()) {
            try (PageFileWriter w = PageFileWriter.create(file(copy, f.getKey()), key(copyKey))) {
                for (Object[] r : f.getValue()) {
                    w.append((Long) r[0], (byte[]) r[1]);
                    // A resync may send a record again: it is skipped.
                    w.append((Long) r[0], (byte[]) r[1]);
                }
            }
        }
        assertThat(readFromCursor(copy, key(copyKey), cursor)).containsExactlyElementsOf(expected());
        if (key(copyKey) != null) {
            assertSealed(copy);
        }
    }

    @ParameterizedTest(name = "original key ''{0}'', copy key ''{1}''")
    @CsvSource({"a, b", "a, ''", "'', b", "'', ''"})
    void aCopyOfASnapshotServesTheOriginalsCursor(String originalKey, String copyKey) throws IOException {
        PagingService original = new PagingService(dir.resolve("original"), 16 * 1024, null, key(originalKey));
        Path copy = dir.resolve("copy");
        Files.createDirectories(copy.resolve("q-1"));
        byte[] cursor;
        try {
            cursor = pageAndRead(original);
            List<PagingService.FileCopy> files = original.snapshot().join();
            assertThat(files).hasSizeGreaterThan(2);
            for (PagingService.FileCopy f : files) {
                PageFileReader reader = original.reader(f);
                try (PageFileWriter w = PageFileWriter.create(file(copy, f.file()), key(copyKey))) {
                    PageFileReader.Batch b;
                    // Small batches: records go several at a time, never split.
                    while ((b = reader.next(3_000)) != null) {
                        w.append(b.first(), b.records());
                    }
                } finally {
                    f.channel().close();
                }
            }
        } finally {
            original.close();
        }
        assertThat(readFromCursor(copy, key(copyKey), cursor)).containsExactlyElementsOf(expected());
        if (key(copyKey) != null) {
            assertSealed(copy);
        }
    }
}

package io.ferrymq.core.paging;

import io.ferrymq.core.api.Route;
import io.ferrymq.core.api.Session;
import io.ferrymq.core.api.Source;
import io.ferrymq.core.atrest.AtRestKey;
import io.ferrymq.core.atrest.WrongKeyException;
import io.ferrymq.core.journal.Journal;
import io.ferrymq.core.journal.JournalOptions;
import io.ferrymq.core.message.Message;
import io.ferrymq.core.policy.AddressPolicy;
import io.ferrymq.core.policy.MemoryFullPolicy;
import io.ferrymq.core.queue.ConsumeOptions;
import io.ferrymq.core.queue.Delivery;
import io.ferrymq.core.queue.Outcome;
import io.ferrymq.core.queue.Subscription;
import io.ferrymq.core.testing.RecordingSink;
import io.ferrymq.core.testing.TestBroker;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import java.util.zip.CRC32C;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** Page files under storage.encryption: nothing readable on disk, the same messages back, damage and wrong keys caught. */
class PageEncryptionTest {

    private static final String SECRET = "paged-secret-card-4111";

    private static AtRestKey key(int seed) {
        byte[] k = new byte[AtRestKey.KEY_BYTES];
        for (int i = 0; i < k.length; i++) {
            k[i] = (byte) (seed * 17 + i);
        }
        return AtRestKey.of(k);
    }

    private static Message message(int i) {
        return Message.builder().durable(true).property("n", i).body((SECRET + "-" + i + "-" + "x".repeat(900))
                .getBytes(StandardCharsets.UTF_8)).build();
    }

    private static List<Path> pageFiles(Path root) throws IOException {
        if (!Files.exists(root)) {
            return List.of();
        }
        try (Stream<Path> s = Files.walk(root)) {
            return s.filter(p -> p.getFileName().toString().endsWith(".pg")).sorted().toList();
        }
    }

    private static boolean containsSecret(Path file) throws IOException {
        return new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1).contains(SECRET);
    }

    /** Writes {@code n} messages to queue 1's store and closes the service. */
    private static void page(Path root, AtRestKey key, int n) {
        PagingService service = new PagingService(root, 16 * 1024, null, key);
        PageStore store = service.store(1);
        store.create().join();
        for (int i = 0; i < n; i++) {
            store.append(message(i)).join();
        }
        service.close();
    }

    private static List<Integer> readAll(PagingService service) {
        PageStore store = service.store(1);
        PageStore.Backlog backlog = store.recover(PagePosition.START).join();
        List<Integer> out = new ArrayList<>();
        for (PagedMessage m : store.read(backlog.start(), 10_000, Long.MAX_VALUE).join()) {
            assertThat(new String(m.message().body(), StandardCharsets.UTF_8)).startsWith(SECRET + "-" + m.message()
                    .property("n") + "-");
            out.add((Integer) m.message().property("n"));
        }
        return out;
    }

    @Test
    void pagedMessagesAreEncryptedOnDiskAndReadBackAfterARestart(@TempDir Path dir) throws IOException {
        AtRestKey key = key(1);
        page(dir, key, 40);
        assertThat(pageFiles(dir)).hasSizeGreaterThan(1);
        for (Path f : pageFiles(dir)) {
            assertThat(containsSecret(f)).as("%s holds a message body in clear", f).isFalse();
        }
        PagingService again = new PagingService(dir, 16 * 1024, null, key);
        try {
            assertThat(readAll(again)).hasSize(40).isSorted();
        } finally {
            again.close();
        }
    }

    @Test
    void aTornEncryptedRecordAtTheEndEndsTheData(@TempDir Path dir) throws IOException {
        AtRestKey key = key(2);
        page(dir, key, 10);
        Path last = pageFiles(dir).get(pageFiles(dir).size() - 1);
        try (FileChannel ch = FileChannel.open(last, StandardOpenOption.WRITE)) {
            ch.truncate(ch.size() - 100);
        }
        PagingService again = new PagingService(dir, 16 * 1024, null, key);
        try {
            assertThat(readAll(again)).hasSize(9).doesNotContain(9);
        } finally {
            again.close();
        }
    }

    @Test
    void anAlteredRecordFailsAuthenticationEvenWithARepairedCrc(@TempDir Path dir) throws IOException {
        AtRestKey key = key(3);
        page(dir, key, 5);
        Path first = pageFiles(dir).get(0);
        try (FileChannel ch = FileChannel.open(first, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            long at = PageCipher.FILE_HEADER;
            ByteBuffer len = ByteBuffer.allocate(4);
            ch.read(len, at);
            byte[] record = new byte[8 + len.flip().getInt()];
            ch.read(ByteBuffer.wrap(record), at);
            record[20] ^= 0x01;
            CRC32C crc = new CRC32C();
            crc.update(record, 8, record.length - 8);
            ByteBuffer.wrap(record).putInt(4, (int) crc.getValue());
            ch.write(ByteBuffer.wrap(record), at);
        }
        PagingService again = new PagingService(dir, 16 * 1024, null, key);
        try {
            assertThatThrownBy(() -> readAll(again)).isInstanceOf(CompletionException.class)
                    .hasMessageContaining("failed authentication at offset " + PageCipher.FILE_HEADER)
                    .hasMessageContaining(first.getFileName().toString());
        } finally {
            again.close();
        }
    }

    @Test
    void pageFilesWrittenWithAnotherKeyAreRefusedNamingBothKeyIds(@TempDir Path dir) {
        AtRestKey key = key(4);
        AtRestKey other = key(5);
        page(dir, key, 3);
        PagingService wrong = new PagingService(dir, 16 * 1024, null, other);
        try {
            assertThatThrownBy(() -> wrong.store(1).recover(PagePosition.START).join())
                    .hasRootCauseInstanceOf(WrongKeyException.class)
                    .hasMessageContaining("was encrypted with key id " + key.idText())
                    .hasMessageContaining("the configured key is " + other.idText());
        } finally {
            wrong.close();
        }
    }

    @Test
    void plainPageFilesFromBeforeEncryptionAreStillRead(@TempDir Path dir) {
        page(dir, null, 6);
        PagingService encrypted = new PagingService(dir, 16 * 1024, null, key(6));
        try {
            PageStore store = encrypted.store(1);
            PageStore.Backlog backlog = store.recover(PagePosition.START).join();
            assertThat(backlog.messages()).isEqualTo(6);
            store.append(message(6)).join();
            List<Integer> seen = new ArrayList<>();
            store.read(backlog.start(), 100, Long.MAX_VALUE).join()
                    .forEach(m -> seen.add((Integer) m.message().property("n")));
            assertThat(seen).containsExactly(0, 1, 2, 3, 4, 5, 6);
        } finally {
            encrypted.close();
        }
    }

    @Test
    void aBrokerPagesThroughEncryptedFilesAndDeliversEverythingInOrder(@TempDir Path dir) throws IOException {
        AtRestKey key = key(7);
        try (TestBroker tb = TestBroker.builder()
                .storage(Journal.open(JournalOptions.defaults(dir.resolve("journal")).withSegmentSize(1024 * 1024)
                        .withEncryption(key)))
                .paging(new PagingService(dir.resolve("paging"), 256 * 1024, null, key))
                .policy(AddressPolicy.matching("#").withMemory(64L * 1024, MemoryFullPolicy.PAGE))
                .build()) {
            RecordingSink sink = new RecordingSink();
            Session s = tb.session(sink);
            for (int i = 0; i < 300; i++) {
                s.send(Route.queue("big"), message(i), null).join();
            }
            assertThat(tb.broker().vhost("/").queue("big").exactStats().join().paged()).isPositive();
            for (Path f : pageFiles(dir.resolve("paging"))) {
                assertThat(containsSecret(f)).as("%s holds a message body in clear", f).isFalse();
            }
            for (Path f : pageFiles(dir.resolve("journal"))) {
                assertThat(containsSecret(f)).isFalse();
            }
            Subscription sub = s.consume(Source.queue("big"), ConsumeOptions.credit(50)).join();
            List<Integer> seen = new ArrayList<>();
            await().atMost(60, TimeUnit.SECONDS).until(() -> {
                for (Delivery d : sink.take()) {
                    seen.add((Integer) d.message().property("n"));
                    s.settle(d, Outcome.ACCEPT, null).join();
                    sub.credit(1);
                }
                return seen.size() >= 300;
            });
            assertThat(seen).hasSize(300).isSorted();
        }
        try (Stream<Path> s = Files.list(dir.resolve("journal"))) {
            for (Path f : s.filter(p -> p.toString().endsWith(".seg")).toList()) {
                assertThat(containsSecret(f)).as("%s holds a message body in clear", f).isFalse();
            }
        }
    }
}

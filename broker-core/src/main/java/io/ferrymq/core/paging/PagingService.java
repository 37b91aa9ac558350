package io.ferrymq.core.paging;

import io.ferrymq.core.errors.BrokerException;
import io.ferrymq.core.errors.ErrorCode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The broker's page files: one {@link PageStore} per queue under a root directory, all served by one I/O
 * thread so that no event loop or queue executor ever touches the disk. Writes are group-committed: one
 * fsync per file per batch of writes that arrived together. With a {@link PageReplicator} (an HA pair's
 * active) every change is also shipped to the standby, and a write completes once the standby has it too.
 */
public final class PagingService implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(PagingService.class);
    public static final long DEFAULT_FILE_SIZE = 16L * 1024 * 1024;

    /** A piece of file work for the I/O thread. */
    @FunctionalInterface
    interface IoCall<T> {
        T run() throws IOException;
    }

    private sealed interface Task {
        record Call<T>(IoCall<T> call, CompletableFuture<T> done) implements Task { }

        record Write(PageStore store, byte[] record, boolean sync, CompletableFuture<Void> done) implements Task { }
    }

    /** One page file as it was when {@link #snapshot} was taken, opened for reading. */
    public record FileCopy(long queueId, long file, long length, FileChannel channel) { }

    private final Path root;
    private final long fileSize;
    private final PageReplicator replicator;
    private final io.ferrymq.core.atrest.AtRestKey encryption;
    private final LinkedBlockingQueue<Task> tasks = new LinkedBlockingQueue<>();
    private final Map<Long, PageStore> stores = new ConcurrentHashMap<>();
    private final Thread thread;
    private volatile boolean running = true;

    public PagingService(Path root, long fileSize) {
        this(root, fileSize, null);
    }

    /** @param replicator receives every change to the page files (an HA pair's active); null for none */
    public PagingService(Path root, long fileSize, PageReplicator replicator) {
        this(root, fileSize, replicator, null);
    }

    /**
     * @param replicator receives every change to the page files (an HA pair's active); null for none
     * @param encryption the key new page files are encrypted with (storage.encryption); null for plain files
     */
    public PagingService(Path root, long fileSize, PageReplicator replicator,
                         io.ferrymq.core.atrest.AtRestKey encryption) {
        this.encryption = encryption;
        this.root = root;
        this.fileSize = fileSize;
        this.replicator = replicator;
        if (replicator != null) {
            replicator.attached(this);
        }
        this.thread = new Thread(this::loop, "ferrymq-paging");
        this.thread.setDaemon(true);
        this.thread.start();
    }

    /** The page store of a queue (its files are created on first write, or found by {@link PageStore#recover}). */
    public PageStore store(long queueId) {
        return stores.computeIfAbsent(queueId, id -> new PageStore(this, id, root.resolve("q-" + id), fileSize));
    }

    /** The key new page files are encrypted with; null for plain files. */
    io.ferrymq.core.atrest.AtRestKey encryption() {
        return encryption;
    }

    /** Null without replication. */
    PageReplicator replicator() {
        return replicator;
    }

    /**
     * Every page file as it is now, taken on the paging thread between two writes and opened for reading (an
     * open file survives its deletion): what a resyncing standby copies, while later changes reach the
     * replicator after it. The caller closes the channels.
     */
    public CompletableFuture<List<FileCopy>> snapshot() {
        return io(() -> {
            List<FileCopy> out = new ArrayList<>();
            for (Map.Entry<Long, PageStore> e : stores.entrySet()) {
                for (Map.Entry<Long, Path> f : e.getValue().filesNow().entrySet()) {
                    FileChannel ch = FileChannel.open(f.getValue(), java.nio.file.StandardOpenOption.READ);
                    out.add(new FileCopy(e.getKey(), f.getKey(), ch.size(), ch));
                }
            }
            return out;
        });
    }

    /** Reads the records of a file of a {@link #snapshot} in plain form (any thread). */
    public PageFileReader reader(FileCopy copy) throws IOException {
        return PageFileReader.open(copy, root.resolve("q-" + copy.queueId()).resolve(
                String.format("page-%016d.pg", copy.file())), encryption);
    }

    void forget(PageStore store) {
        stores.values().remove(store);
    }

    /** Removes the page directories of queues that no longer exist (after recovery). */
    public void removeAllExcept(Collection<Long> queueIds) {
        if (!Files.isDirectory(root)) {
            return;
        }
        Set<String> keep = new LinkedHashSet<>();
        queueIds.forEach(id -> keep.add("q-" + id));
        try (Stream<Path> s = Files.list(root)) {
            for (Path p : s.toList()) {
                if (!keep.contains(p.getFileName().toString())) {
                    LOG.debug("Removing page files of a queue that no longer exists: {}", p);
                    PageStore.deleteTree(p);
                }
            }
        } catch (IOException e) {
            LOG.warn("Could not clean up page directories in {}: {}", root, e.toString());
        }
    }

    <T> CompletableFuture<T> io(IoCall<T> call) {
        CompletableFuture<T> done = new CompletableFuture<>();
        if (!running) {
            done.completeExceptionally(new BrokerException(ErrorCode.UNAVAILABLE, "paging has stopped"));
            return done;
        }
        tasks.add(new Task.Call<>(call, done));
        return done;
    }

    CompletableFuture<Void> write(PageStore store, byte[] record, boolean sync) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        if (!running) {
            done.completeExceptionally(new BrokerException(ErrorCode.UNAVAILABLE, "paging has stopped"));
            return done;
        }
        tasks.add(new Task.Write(store, record, sync, done));
        return done;
    }

    private void loop() {
        List<Task> batch = new ArrayList<>();
        while (running || !tasks.isEmpty()) {
            try {
                Task first = tasks.poll(200, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                batch.add(first);
                tasks.drainTo(batch, 4096);
                Set<FileChannel> dirty = new LinkedHashSet<>();
                List<CompletableFuture<Void>> written = new ArrayList<>();
                List<CompletableFuture<Void>> replicas = new ArrayList<>();
                for (Task t : batch) {
                    run(t, dirty, written, replicas);
                }
                for (FileChannel ch : dirty) {
                    try {
                        ch.force(false);
                    } catch (IOException e) {
                        LOG.error("fsync of a page file failed", e);
                    }
                }
                for (int i = 0; i < written.size(); i++) {
                    CompletableFuture<Void> done = written.get(i);
                    CompletableFuture<Void> replica = replicas.get(i);
                    if (replica == null) {
                        done.complete(null);
                    } else {
                        replica.whenComplete((v, t) -> {
                            if (t == null) {
                                done.complete(null);
                            } else {
                                done.completeExceptionally(t);
                            }
                        });
                    }
                }
                batch.clear();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private void run(Task t, Set<FileChannel> dirty, List<CompletableFuture<Void>> written,
                     List<CompletableFuture<Void>> replicas) {
        if (t instanceof Task.Write w) {
            try {
                FileChannel ch = w.store().writeRecord(w.record(), replicas);
                if (ch != null && w.sync()) {
                    dirty.add(ch);
                }
                written.add(w.done());
            } catch (IOException | RuntimeException e) {
                LOG.error("Writing a page file in {} failed", w.store().directory(), e);
                w.done().completeExceptionally(new BrokerException(ErrorCode.INTERNAL,
                        "could not page the message to disk: " + e, e));
            }
            return;
        }
        Task.Call c = (Task.Call) t;
        try {
            c.done().complete(c.call().run());
        } catch (IOException | RuntimeException e) {
            LOG.error("Page file operation failed", e);
            c.done().completeExceptionally(new BrokerException(ErrorCode.INTERNAL, "page file operation failed: " + e, e));
        }
    }

    @Override
    public void close() {
        running = false;
        try {
            thread.join(30_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        stores.values().forEach(PageStore::closeFiles);
    }
}

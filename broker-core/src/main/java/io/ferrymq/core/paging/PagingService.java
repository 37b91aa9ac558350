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
 * fsync per file per batch of writes that arrived together.
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

    private final Path root;
    private final long fileSize;
    private final LinkedBlockingQueue<Task> tasks = new LinkedBlockingQueue<>();
    private final Map<Long, PageStore> stores = new ConcurrentHashMap<>();
    private final Thread thread;
    private volatile boolean running = true;

    public PagingService(Path root, long fileSize) {
        this.root = root;
        this.fileSize = fileSize;
        this.thread = new Thread(this::loop, "ferrymq-paging");
        this.thread.setDaemon(true);
        this.thread.start();
    }

    /** The page store of a queue (its files are created on first write, or found by {@link PageStore#recover}). */
    public PageStore store(long queueId) {
        return stores.computeIfAbsent(queueId, id -> new PageStore(this, root.resolve("q-" + id), fileSize));
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
                for (Task t : batch) {
                    run(t, dirty, written);
                }
                for (FileChannel ch : dirty) {
                    try {
                        ch.force(false);
                    } catch (IOException e) {
                        LOG.error("fsync of a page file failed", e);
                    }
                }
                written.forEach(f -> f.complete(null));
                batch.clear();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private void run(Task t, Set<FileChannel> dirty, List<CompletableFuture<Void>> written) {
        if (t instanceof Task.Write w) {
            try {
                FileChannel ch = w.store().writeRecord(w.record());
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

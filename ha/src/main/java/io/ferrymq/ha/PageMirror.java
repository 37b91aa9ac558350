package io.ferrymq.ha;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The standby's copy of the active's page files: the same bytes at the same places under this node's paging
 * directory ({@code q-<queue>/page-<file>.pg}, as the paging service names them), so that on promotion each
 * queue finds its pages as after a restart, from the page cursor its journal holds. Writes are made durable
 * together by {@link #sync}. Used by the standby's apply thread only.
 */
final class PageMirror implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(PageMirror.class);

    private final Path root;
    private final Map<Path, FileChannel> open = new HashMap<>();
    private final Set<FileChannel> dirty = new LinkedHashSet<>();

    PageMirror(Path root) {
        this.root = root;
    }

    void write(long queueId, long file, long offset, byte[] bytes) throws IOException {
        Path p = path(queueId, file);
        FileChannel ch = open.get(p);
        if (ch == null) {
            Files.createDirectories(p.getParent());
            ch = FileChannel.open(p, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            open.put(p, ch);
        }
        ByteBuffer b = ByteBuffer.wrap(bytes);
        long at = offset;
        while (b.hasRemaining()) {
            at += ch.write(b, at);
        }
        dirty.add(ch);
    }

    /** Deletes one page file of a queue, or with {@code file} negative all of them. */
    void delete(long queueId, long file) throws IOException {
        if (file >= 0) {
            Path p = path(queueId, file);
            close(p);
            Files.deleteIfExists(p);
            return;
        }
        Path dir = root.resolve("q-" + queueId);
        for (Path p : List.copyOf(open.keySet())) {
            if (p.getParent().equals(dir)) {
                close(p);
            }
        }
        deleteTree(dir);
    }

    /** Empties the paging directory: a resync's snapshot brings every page file again. */
    void clearAll() throws IOException {
        for (Path p : List.copyOf(open.keySet())) {
            close(p);
        }
        deleteTree(root);
    }

    /** Makes every write so far durable. */
    void sync() throws IOException {
        for (FileChannel ch : dirty) {
            ch.force(false);
        }
        dirty.clear();
    }

    @Override
    public void close() {
        try {
            sync();
        } catch (IOException e) {
            LOG.warn("HA: syncing the page file copies: {}", e.toString());
        }
        for (Path p : List.copyOf(open.keySet())) {
            close(p);
        }
    }

    private Path path(long queueId, long file) {
        return root.resolve("q-" + queueId).resolve(String.format("page-%016d.pg", file));
    }

    private void close(Path p) {
        FileChannel ch = open.remove(p);
        if (ch != null) {
            dirty.remove(ch);
            try {
                ch.close();
            } catch (IOException e) {
                LOG.debug("closing {}: {}", p, e.toString());
            }
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        List<Path> all;
        try (Stream<Path> s = Files.walk(dir)) {
            all = new ArrayList<>(s.sorted(Comparator.reverseOrder()).toList());
        }
        for (Path p : all) {
            Files.deleteIfExists(p);
        }
    }
}

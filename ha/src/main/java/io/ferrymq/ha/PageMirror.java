package io.ferrymq.ha;

import io.ferrymq.core.atrest.AtRestKey;
import io.ferrymq.core.paging.PageFileWriter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The standby's copy of the active's page files: the same records in the files of the same numbers under this
 * node's paging directory ({@code q-<queue>/page-<file>.pg}, as the paging service names them), each laid out
 * as this node lays out its own, sealed with its own at-rest key or plain ({@link PageFileWriter}), so that on
 * promotion each queue finds its pages as after a restart, from the page cursor its journal holds (found by
 * record index). Writes are made durable together by {@link #sync}. Used by the standby's apply thread only.
 */
final class PageMirror implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(PageMirror.class);

    private final Path root;
    private final AtRestKey key;
    private final Map<Path, PageFileWriter> open = new HashMap<>();
    private final Set<PageFileWriter> dirty = new LinkedHashSet<>();

    /** @param key this node's own at-rest key: the copies are sealed with it (null for plain copies) */
    PageMirror(Path root, AtRestKey key) {
        this.root = root;
        this.key = key;
    }

    /** Appends plain records to a page file's copy, the first of them the file's {@code record}-th. */
    void write(long queueId, long file, long record, byte[] records) throws IOException {
        Path p = path(queueId, file);
        PageFileWriter w = open.get(p);
        if (w == null) {
            if (record > 0) {
                // A change a resync replays for a file deleted before its snapshot: the deletion follows.
                LOG.debug("HA: skipping records of {}, deleted before the snapshot", p);
                return;
            }
            Files.createDirectories(p.getParent());
            w = PageFileWriter.create(p, key);
            open.put(p, w);
        }
        w.append(record, records);
        dirty.add(w);
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
        for (PageFileWriter w : dirty) {
            w.force();
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
        PageFileWriter w = open.remove(p);
        if (w != null) {
            dirty.remove(w);
            try {
                w.close();
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

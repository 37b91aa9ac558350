package io.ferrymq.core.paging;

import io.ferrymq.core.journal.MessageCodec;
import io.ferrymq.core.message.Message;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;
import java.util.zip.CRC32C;

/**
 * One queue's overflow on disk: page files of messages in arrival order, read back from a cursor as
 * consumers catch up. Every file operation runs on the paging service's I/O thread; the owning queue
 * calls in from its own executor and gets futures back.
 *
 * <p>A page record is {@code [length:4][crc32c:4][flags:1][message]}. A torn record at the end of the
 * last file (a crash mid-write) ends the readable data; it was never confirmed. With storage.encryption new
 * files are encrypted ({@link PageCipher}); plain files from before stay readable (they are deleted as
 * consumers read them), and an encrypted file needs the key it was written with.
 */
public final class PageStore {

    private static final Logger LOG = LoggerFactory.getLogger(PageStore.class);
    private static final int RECORD_HEADER = 9;
    private static final int F_DURABLE = 1;

    /** What a scan of existing page files found after the cursor, and where reading starts. */
    public record Backlog(long messages, long bytes, PagePosition start) { }

    /** Where a fresh store starts. */
    public static final PagePosition FIRST = new PagePosition(1, 0);

    private final PagingService service;
    private final long queueId;
    private final Path dir;
    private final long fileSize;
    /** File id to channel, oldest first. I/O thread only. */
    private final TreeMap<Long, FileChannel> files = new TreeMap<>();
    /** The ciphers of the encrypted files among {@link #files}. I/O thread only. */
    private final java.util.Map<Long, PageCipher> ciphers = new java.util.HashMap<>();
    private long writeFile;
    private long writeOffset;
    /** Records in {@link #writeFile} so far. */
    private long writeRecords;
    private PagePosition cursor = PagePosition.START;
    /** Records before this position were written by an earlier run: their non-durable messages are gone. */
    private PagePosition transientHorizon = PagePosition.START;
    private boolean deleted;

    PageStore(PagingService service, long queueId, Path dir, long fileSize) {
        this.service = service;
        this.queueId = queueId;
        this.dir = dir;
        this.fileSize = fileSize;
    }

    Path directory() {
        return dir;
    }

    /**
     * Opens the files a previous run left, positions the cursor, and counts the durable messages still
     * to be read.
     */
    public CompletableFuture<Backlog> recover(PagePosition savedCursor) {
        return service.io(() -> {
            Files.createDirectories(dir);
            try (Stream<Path> s = Files.list(dir)) {
                for (Path p : s.filter(f -> f.getFileName().toString().matches("page-\\d{16}\\.pg")).sorted().toList()) {
                    long id = Long.parseLong(p.getFileName().toString().substring(5, 21));
                    FileChannel ch = FileChannel.open(p, StandardOpenOption.READ, StandardOpenOption.WRITE);
                    files.put(id, ch);
                    try {
                        PageCipher cipher = PageCipher.of(service.encryption(), p, ch);
                        if (cipher != null) {
                            ciphers.put(id, cipher);
                        }
                    } catch (RuntimeException e) {
                        closeFiles();
                        throw e;
                    }
                }
            }
            // Files wholly before the cursor were read into the journal already.
            while (!files.isEmpty() && files.firstKey() < savedCursor.file()) {
                deleteFile(files.firstKey());
            }
            cursor = locate(savedCursor);
            long messages = 0;
            long bytes = 0;
            PagePosition p = cursor;
            while (true) {
                Scanned r = readAt(p, false);
                if (r == null) {
                    break;
                }
                if (r.durable) {
                    messages++;
                    bytes += r.length;
                }
                p = r.next;
            }
            if (!files.isEmpty()) {
                // Appends continue in a fresh file, after whatever the last run wrote (torn tail included).
                writeFile = files.lastKey() + 1;
            } else {
                writeFile = Math.max(1, cursor.file());
            }
            writeOffset = 0;
            transientHorizon = new PagePosition(writeFile, 0);
            if (cursor.file() == 0) {
                cursor = files.isEmpty() ? new PagePosition(writeFile, 0) : new PagePosition(files.firstKey(), 0);
            }
            return new Backlog(messages, bytes, cursor);
        });
    }

    /** Starts an empty store (a new queue, or one whose previous pages must not survive). */
    public CompletableFuture<Void> create() {
        return service.io(() -> {
            if (Files.exists(dir)) {
                deleteTree(dir);
            }
            cleared();
            Files.createDirectories(dir);
            writeFile = FIRST.file();
            writeOffset = 0;
            cursor = FIRST;
            transientHorizon = cursor;
            return null;
        });
    }

    /**
     * Appends a message. The future completes once it is written and, for a durable message, on disk.
     * Encoded here, on the caller's thread, to keep the I/O thread doing only I/O.
     */
    public CompletableFuture<Void> append(Message m) {
        byte[] body = MessageCodec.encode(m);
        if (service.encryption() != null) {
            // Length, CRC and ciphertext are filled in by writeRecord, which knows the file and offset (the nonce).
            byte[] record = new byte[RECORD_HEADER + body.length + PageCipher.TAG];
            record[8] = (byte) (m.durable() ? F_DURABLE : 0);
            System.arraycopy(body, 0, record, RECORD_HEADER, body.length);
            return service.write(this, record, m.durable());
        }
        byte[] record = new byte[RECORD_HEADER + body.length];
        ByteBuffer.wrap(record).putInt(1 + body.length).putInt(0).put((byte) (m.durable() ? F_DURABLE : 0)).put(body);
        CRC32C crc = new CRC32C();
        crc.update(record, 8, record.length - 8);
        ByteBuffer.wrap(record).putInt(4, (int) crc.getValue());
        return service.write(this, record, m.durable());
    }

    /**
     * Called by the service's writer on the I/O thread.
     *
     * @param replicas gets the replicator's future for the write (null without replication or write)
     * @return the channel written to (to fsync)
     */
    FileChannel writeRecord(byte[] record, List<CompletableFuture<Void>> replicas) throws IOException {
        if (deleted) {
            replicas.add(null);
            return null;
        }
        if (writeOffset > 0 && writeOffset + record.length > fileSize) {
            writeFile++;
            writeOffset = 0;
        }
        FileChannel ch = files.get(writeFile);
        if (ch == null) {
            Path p = dir.resolve(String.format("page-%016d.pg", writeFile));
            ch = FileChannel.open(p, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
            files.put(writeFile, ch);
            writeRecords = 0;
            if (service.encryption() != null) {
                PageCipher cipher = PageCipher.forNewFile(service.encryption());
                ciphers.put(writeFile, cipher);
                ByteBuffer h = ByteBuffer.wrap(cipher.header());
                while (h.hasRemaining()) {
                    writeOffset += ch.write(h, writeOffset);
                }
            }
        }
        PageCipher cipher = ciphers.get(writeFile);
        PageReplicator r = service.replicator();
        // The standby gets the record in plain form and lays it out in its own way (its own key, or none): sealed
        // bytes never leave this node. A plain record goes as it is, without a copy.
        byte[] shipped = r != null && cipher != null ? plain(record) : record;
        if (cipher != null) {
            cipher.seal(writeOffset, record, RECORD_HEADER);
        }
        ByteBuffer b = ByteBuffer.wrap(record);
        long at = writeOffset;
        while (b.hasRemaining()) {
            at += ch.write(b, at);
        }
        replicas.add(r == null ? null : r.written(queueId, writeFile, writeRecords, shipped));
        writeOffset = at;
        writeRecords++;
        return ch;
    }

    /** The plain record of one built for sealing ({@link PageCipher#TAG} spare bytes at its end). */
    private static byte[] plain(byte[] unsealed) {
        byte[] out = java.util.Arrays.copyOf(unsealed, unsealed.length - PageCipher.TAG);
        ByteBuffer.wrap(out).putInt(0, out.length - 8);
        CRC32C crc = new CRC32C();
        crc.update(out, 8, out.length - 8);
        ByteBuffer.wrap(out).putInt(4, (int) crc.getValue());
        return out;
    }

    /**
     * The position of a stored cursor in this node's files. A cursor that knows its record index is found by
     * counting records from its file's start, whatever layout the member that stored it gave the file (an HA
     * pair's members each seal the file with their own key, or not at all); one of an earlier version, by its
     * offset, which gets its record index counted.
     */
    private PagePosition locate(PagePosition saved) throws IOException {
        FileChannel ch = files.get(saved.file());
        if (ch == null) {
            return saved;
        }
        PagePosition p = new PagePosition(saved.file(), 0, 0);
        while (saved.record() >= 0 ? p.record() < saved.record() : p.offset() < saved.offset()) {
            Scanned r = readAt(p, false);
            if (r == null || r.next.file() != saved.file()) {
                // The file ends before the cursor (a torn tail was cut): reading goes on with the next file.
                return new PagePosition(saved.file(), ch.size(), p.record());
            }
            p = r.next;
        }
        if (saved.record() < 0 && p.offset() != saved.offset()) {
            throw new IOException("the page cursor of " + dir + " is at offset " + saved.offset() + " of file "
                    + saved.file() + ", which is no record's start");
        }
        return p;
    }

    /** I/O thread only: this store's files now, oldest first. */
    java.util.SortedMap<Long, Path> filesNow() {
        java.util.SortedMap<Long, Path> out = new TreeMap<>();
        files.keySet().forEach(id -> out.put(id, dir.resolve(String.format("page-%016d.pg", id))));
        return out;
    }

    private void cleared() {
        PageReplicator r = service.replicator();
        if (r != null) {
            r.cleared(queueId);
        }
    }

    /** Reads up to the given amount from the cursor, without moving it (see {@link #consumed}). */
    public CompletableFuture<List<PagedMessage>> read(PagePosition from, int maxMessages, long maxBytes) {
        return service.io(() -> {
            List<PagedMessage> out = new ArrayList<>();
            long bytes = 0;
            PagePosition p = from;
            while (out.size() < maxMessages && bytes < maxBytes) {
                Scanned r = readAt(p, true);
                if (r == null) {
                    break;
                }
                p = r.next;
                if (!r.durable && p.before(transientHorizon)) {
                    continue; // written by an earlier run: a non-durable message does not survive a restart
                }
                out.add(new PagedMessage(r.message, p));
                bytes += r.length;
            }
            return out;
        });
    }

    public PagePosition cursor() {
        return cursor;
    }

    /**
     * Everything before {@code upTo} is now in memory and the journal: files wholly before it go, and so
     * does the file being written when everything in it has been read (appends start a new one).
     */
    public CompletableFuture<Void> consumed(PagePosition upTo) {
        return service.io(() -> {
            cursor = upTo;
            while (!files.isEmpty() && files.firstKey() < upTo.file()) {
                deleteFile(files.firstKey());
            }
            if (upTo.file() == writeFile && upTo.offset() >= writeOffset && files.containsKey(writeFile)) {
                deleteFile(writeFile);
                writeFile++;
                writeOffset = 0;
            }
            return null;
        });
    }

    /** Drops every page (purge). @return where reading starts now */
    public CompletableFuture<PagePosition> clear() {
        return service.io(() -> {
            for (Long id : List.copyOf(files.keySet())) {
                deleteFile(id);
            }
            writeFile++;
            writeOffset = 0;
            cursor = new PagePosition(writeFile, 0);
            return cursor;
        });
    }

    /** Removes the store and its files (the queue was deleted). */
    public CompletableFuture<Void> delete() {
        return service.io(() -> {
            deleted = true;
            for (Long id : List.copyOf(files.keySet())) {
                deleteFile(id);
            }
            deleteTree(dir);
            cleared();
            service.forget(this);
            return null;
        });
    }

    private record Scanned(Message message, boolean durable, int length, PagePosition next) { }

    /** The record at {@code p}, moving to the next file at a file's end; null at the end of the data. */
    private Scanned readAt(PagePosition p, boolean decode) throws IOException {
        PagePosition at = p;
        while (true) {
            FileChannel ch = files.get(at.file());
            if (ch == null) {
                Long next = files.higherKey(at.file());
                if (next == null) {
                    return null;
                }
                at = new PagePosition(next, 0);
                continue;
            }
            PageCipher cipher = ciphers.get(at.file());
            if (cipher != null && at.offset() < PageCipher.FILE_HEADER) {
                at = new PagePosition(at.file(), PageCipher.FILE_HEADER, 0);
            }
            long size = ch.size();
            if (at.offset() + RECORD_HEADER > size) {
                Long next = files.higherKey(at.file());
                if (next == null) {
                    return null;
                }
                at = new PagePosition(next, 0);
                continue;
            }
            ByteBuffer head = ByteBuffer.allocate(8);
            readFully(ch, head, at.offset());
            int len = head.getInt(0);
            int crc = head.getInt(4);
            if (len <= (cipher == null ? 0 : 1 + PageCipher.TAG) || at.offset() + 8 + len > size) {
                LOG.warn("Page file {} ends with a torn record at offset {}: it was never confirmed", file(at), at.offset());
                Long next = files.higherKey(at.file());
                if (next == null) {
                    return null;
                }
                at = new PagePosition(next, 0);
                continue;
            }
            ByteBuffer body = ByteBuffer.allocate(len);
            readFully(ch, body, at.offset() + 8);
            CRC32C c = new CRC32C();
            c.update(body.array(), 0, len);
            if ((int) c.getValue() != crc) {
                throw new IOException("page file " + file(at) + " is corrupt at offset " + at.offset() + " (CRC mismatch)");
            }
            boolean durable = (body.get(0) & F_DURABLE) != 0;
            PagePosition next = at.next(8 + len);
            if (cipher != null) {
                byte[] plain;
                try {
                    plain = cipher.open(at.offset(), len, body.array());
                } catch (javax.crypto.AEADBadTagException e) {
                    throw new IOException("page file " + file(at) + " failed authentication at offset " + at.offset()
                            + ": the encrypted record was altered or moved");
                }
                return new Scanned(decode ? MessageCodec.decode(plain, 0, plain.length) : null, durable, plain.length,
                        next);
            }
            Message m = decode ? MessageCodec.decode(body.array(), 1, len - 1) : null;
            return new Scanned(m, durable, len - 1, next);
        }
    }

    private Path file(PagePosition p) {
        return dir.resolve(String.format("page-%016d.pg", p.file()));
    }

    private static void readFully(FileChannel ch, ByteBuffer b, long at) throws IOException {
        long p = at;
        while (b.hasRemaining()) {
            int n = ch.read(b, p);
            if (n < 0) {
                throw new IOException("unexpected end of page file");
            }
            p += n;
        }
    }

    private void deleteFile(long id) throws IOException {
        FileChannel ch = files.remove(id);
        ciphers.remove(id);
        if (ch != null) {
            ch.close();
        }
        Files.deleteIfExists(dir.resolve(String.format("page-%016d.pg", id)));
        PageReplicator r = service.replicator();
        if (r != null) {
            r.deleted(queueId, id);
        }
    }

    static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    void closeFiles() {
        for (FileChannel ch : files.values()) {
            try {
                ch.close();
            } catch (IOException e) {
                LOG.debug("closing a page file: {}", e.toString());
            }
        }
        files.clear();
        ciphers.clear();
    }
}

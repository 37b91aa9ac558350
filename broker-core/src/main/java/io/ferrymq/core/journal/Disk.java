package io.ferrymq.core.journal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** What the journal asks of the file system beyond reading and writing its open segments: a seam for tests. */
interface Disk {

    /** Creates a new zero-filled segment (fails, for example with "No space left on device", when it cannot). */
    Segment createSegment(Path dir, long id, long size) throws IOException;

    /** Creates a new segment, encrypted when {@code key} is not null. */
    default Segment createSegment(Path dir, long id, long size, io.ferrymq.core.atrest.AtRestKey key)
            throws IOException {
        return key == null ? createSegment(dir, id, size) : Segment.create(dir, id, size, key);
    }

    /** Bytes of the journal's file system that are free for this process. */
    long usableSpace(Path dir) throws IOException;

    Disk REAL = new Disk() {
        @Override
        public Segment createSegment(Path dir, long id, long size) throws IOException {
            return Segment.create(dir, id, size);
        }

        @Override
        public long usableSpace(Path dir) throws IOException {
            return Files.getFileStore(dir).getUsableSpace();
        }
    };
}

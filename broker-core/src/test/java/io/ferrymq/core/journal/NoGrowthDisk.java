package io.ferrymq.core.journal;

import io.ferrymq.core.atrest.AtRestKey;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The real disk, except that while {@link #full} a write that would make a segment file longer fails with
 * ENOSPC after writing what fits in the file's present size (as a file system out of blocks does), while the
 * zero-filled part of a segment stays writable.
 */
final class NoGrowthDisk implements Disk {

    volatile boolean full;

    @Override
    public Segment createSegment(Path dir, long id, long size) throws IOException {
        return createSegment(dir, id, size, null);
    }

    @Override
    public Segment createSegment(Path dir, long id, long size, AtRestKey key) throws IOException {
        Segment real = Segment.create(dir, id, size, key);
        return new Segment(real.id, real.path, new Channel(real.channel), real.position, real.cipher);
    }

    @Override
    public long usableSpace(Path dir) throws IOException {
        return Files.getFileStore(dir).getUsableSpace();
    }

    private final class Channel extends FileChannel {
        private final FileChannel real;

        Channel(FileChannel real) {
            this.real = real;
        }

        @Override
        public int write(ByteBuffer src, long position) throws IOException {
            long room = real.size() - position;
            if (!full || src.remaining() <= room) {
                return real.write(src, position);
            }
            if (room > 0) {
                ByteBuffer fits = src.duplicate();
                fits.limit(fits.position() + (int) room);
                real.write(fits, position);
            }
            throw new IOException("No space left on device");
        }

        @Override
        public int read(ByteBuffer dst, long position) throws IOException {
            return real.read(dst, position);
        }

        @Override
        public int read(ByteBuffer dst) throws IOException {
            return real.read(dst);
        }

        @Override
        public long read(ByteBuffer[] dsts, int offset, int length) throws IOException {
            return real.read(dsts, offset, length);
        }

        @Override
        public int write(ByteBuffer src) throws IOException {
            return write(src, real.position());
        }

        @Override
        public long write(ByteBuffer[] srcs, int offset, int length) throws IOException {
            throw new UnsupportedOperationException("the journal writes at positions");
        }

        @Override
        public long position() throws IOException {
            return real.position();
        }

        @Override
        public FileChannel position(long newPosition) throws IOException {
            real.position(newPosition);
            return this;
        }

        @Override
        public long size() throws IOException {
            return real.size();
        }

        @Override
        public FileChannel truncate(long size) throws IOException {
            real.truncate(size);
            return this;
        }

        @Override
        public void force(boolean metaData) throws IOException {
            real.force(metaData);
        }

        @Override
        public long transferTo(long position, long count, WritableByteChannel target) throws IOException {
            return real.transferTo(position, count, target);
        }

        @Override
        public long transferFrom(ReadableByteChannel src, long position, long count) throws IOException {
            throw new UnsupportedOperationException("the journal writes at positions");
        }

        @Override
        public MappedByteBuffer map(MapMode mode, long position, long size) throws IOException {
            return real.map(mode, position, size);
        }

        @Override
        public FileLock lock(long position, long size, boolean shared) throws IOException {
            return real.lock(position, size, shared);
        }

        @Override
        public FileLock tryLock(long position, long size, boolean shared) throws IOException {
            return real.tryLock(position, size, shared);
        }

        @Override
        protected void implCloseChannel() throws IOException {
            real.close();
        }
    }
}

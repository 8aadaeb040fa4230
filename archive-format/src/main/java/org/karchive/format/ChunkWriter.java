package org.karchive.format;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;

/**
 * Writes one chunk: a tar stream cut into independent zstd frames of {@code frameSize} tar bytes,
 * compressed in parallel and written in order, then the seek table. Tracks, for each entry, the
 * frame and in-frame offset where its first header byte lies. Not thread-safe.
 */
final class ChunkWriter {
    private final ChunkSink.Upload upload;
    private final FrameCompressor compressor;
    private final int frameSize;
    private final int maxPending;
    private final Deque<Pending> pending = new ArrayDeque<>();
    /** Frames handed to the writer thread and not yet written (at most {@link #MAX_WRITES}). */
    private final Deque<Future<?>> writes = new ArrayDeque<>();
    private static final int MAX_WRITES = 3;
    private final List<SeekTable.Frame> frames = new ArrayList<>();
    private final TarWriter tar;
    private byte[] buf;
    private int fill;
    private int framesStarted;
    private long tarBytes;
    private long storedBytes;

    private record Pending(Future<FrameCompressor.Compressed> data, int rawSize, byte[] raw) {
    }

    ChunkWriter(ChunkSink.Upload upload, FrameCompressor compressor, int frameSize) {
        this.upload = upload;
        this.compressor = compressor;
        this.frameSize = frameSize;
        this.maxPending = compressor.threads() * 2;
        this.buf = compressor.rawBuffer(frameSize);
        this.tar = new TarWriter(new OutputStream() {
            @Override
            public void write(int b) throws IOException {
                write(new byte[] {(byte) b}, 0, 1);
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                append(b, off, len);
            }
        });
    }

    String key() {
        return upload.key();
    }

    TarWriter tar() {
        return tar;
    }

    /** Tar bytes written so far. */
    long tarBytes() {
        return tarBytes;
    }

    /** Frame index at which the next byte will be written. */
    int currentFrame() {
        return framesStarted;
    }

    /** Offset inside the current frame of the next byte. */
    int currentOffset() {
        return fill;
    }

    void append(byte[] b, int off, int len) throws IOException {
        tarBytes += len;
        while (len > 0) {
            int n = Math.min(len, frameSize - fill);
            System.arraycopy(b, off, buf, fill, n);
            fill += n;
            off += n;
            len -= n;
            if (fill == frameSize) {
                cutFrame();
            }
        }
    }

    private void cutFrame() throws IOException {
        if (fill == 0) {
            return;
        }
        pending.add(new Pending(compressor.compress(buf, fill), fill, buf));
        framesStarted++;
        buf = compressor.rawBuffer(frameSize);
        fill = 0;
        while (pending.size() > maxPending) {
            drainOne();
        }
    }

    private void drainOne() throws IOException {
        Pending p = pending.removeFirst();
        FrameCompressor.Compressed z;
        try {
            z = p.data().get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while compressing");
        } catch (ExecutionException e) {
            throw new IOException("compression failed: " + e.getCause(), e.getCause());
        }
        compressor.releaseRaw(p.raw());
        storedBytes += z.length();
        frames.add(new SeekTable.Frame(z.length(), p.rawSize()));
        // the store write (a disk write, or waiting for a free upload slot) overlaps with reading
        // and compressing the next frames
        writes.add(compressor.write(() -> {
            upload.write(z.data(), 0, z.length());
            compressor.release(z);
            return null;
        }));
        while (writes.size() > MAX_WRITES) {
            awaitWrite(writes.removeFirst());
        }
    }

    private static void awaitWrite(Future<?> f) throws IOException {
        try {
            f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while storing");
        } catch (ExecutionException e) {
            Throwable c = e.getCause();
            if (c instanceof IOException io) {
                throw io;
            }
            if (c instanceof RuntimeException re) {
                throw re;
            }
            throw new IOException("storing a frame failed: " + c, c);
        }
    }

    private void awaitWrites() throws IOException {
        while (!writes.isEmpty()) {
            awaitWrite(writes.removeFirst());
        }
    }

    /** Ends the tar stream, flushes every frame, appends the seek table and commits the chunk. */
    ChunkSink.StoredChunk finish() throws IOException {
        tar.writeEnd();
        cutFrame();
        while (!pending.isEmpty()) {
            drainOne();
        }
        awaitWrites();
        compressor.releaseRaw(buf);
        buf = new byte[0];
        byte[] table = new SeekTable(frames).encode();
        upload.write(table, 0, table.length);
        storedBytes += table.length;
        ChunkSink.StoredChunk stored = upload.commit();
        if (stored.written() != storedBytes) {
            throw new IOException("chunk " + upload.key() + ": store reports " + stored.written() + " bytes, wrote "
                    + storedBytes);
        }
        return stored;
    }

    void abort() {
        for (Pending p : pending) {
            p.data().cancel(true);
        }
        pending.clear();
        // the upload is not thread-safe: stop the writer's work on it before aborting it. A cancelled
        // future does not wait for its running task, so wait for a no-op queued behind them all.
        for (Future<?> f : writes) {
            f.cancel(true);
        }
        writes.clear();
        boolean interrupted = Thread.interrupted();
        try {
            compressor.write(() -> null).get(60, java.util.concurrent.TimeUnit.SECONDS);
        } catch (InterruptedException | ExecutionException | java.util.concurrent.TimeoutException
                 | java.util.concurrent.RejectedExecutionException e) {
            // the writer is gone or stuck; abort anyway
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
        upload.abort();
    }
}

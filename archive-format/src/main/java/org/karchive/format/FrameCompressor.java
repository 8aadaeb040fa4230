package org.karchive.format;

import com.github.luben.zstd.Zstd;
import com.github.luben.zstd.ZstdCompressCtx;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Compresses independent zstd frames on a fixed pool of threads (one per core by default). Each
 * frame records its content size and a content checksum, so stock zstd verifies it.
 */
public final class FrameCompressor implements AutoCloseable {
    private final ExecutorService pool;
    /** One thread that hands compressed frames to the store, in order, off the reading thread. */
    private final ExecutorService writer;
    private final int threads;
    private final int level;
    private final ThreadLocal<ZstdCompressCtx> ctx;
    /** Frame-sized buffers handed back after use: archiving allocates a few, not ~10 MB per frame. */
    private final ConcurrentLinkedQueue<byte[]> rawBuffers = new ConcurrentLinkedQueue<>();
    private final ConcurrentLinkedQueue<byte[]> outBuffers = new ConcurrentLinkedQueue<>();

    /** A compressed frame: {@code length} bytes of {@code data}, a buffer to {@link #release} after use. */
    public record Compressed(byte[] data, int length) {
    }

    public FrameCompressor(int threads, int level) {
        this.threads = Math.max(1, threads);
        this.level = level;
        AtomicInteger n = new AtomicInteger();
        this.pool = Executors.newFixedThreadPool(this.threads, r -> {
            Thread t = new Thread(r, "karchive-zstd-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        this.writer = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "karchive-store-writer");
            t.setDaemon(true);
            return t;
        });
        this.ctx = ThreadLocal.withInitial(() -> {
            ZstdCompressCtx c = new ZstdCompressCtx();
            c.setLevel(this.level);
            c.setChecksum(true);
            c.setContentSize(true);
            return c;
        });
    }

    public int threads() {
        return threads;
    }

    /** A buffer of at least {@code size} bytes for raw frame data, reused when one is free. */
    byte[] rawBuffer(int size) {
        return take(rawBuffers, size);
    }

    /** Returns a raw buffer once the frame compressed from it is done. */
    void releaseRaw(byte[] b) {
        rawBuffers.offer(b);
    }

    /** Returns the buffer of a compressed frame once its bytes are written. */
    void release(Compressed c) {
        outBuffers.offer(c.data());
    }

    private static byte[] take(ConcurrentLinkedQueue<byte[]> pool, int size) {
        byte[] b;
        while ((b = pool.poll()) != null) {
            if (b.length >= size) {
                return b;
            }
        }
        return new byte[size];
    }

    /** Compresses {@code len} bytes of {@code raw} into one frame, asynchronously. */
    public Future<Compressed> compress(byte[] raw, int len) {
        return pool.submit(() -> {
            ZstdCompressCtx c = ctx.get();
            byte[] dst = take(outBuffers, (int) Zstd.compressBound(len));
            int n = c.compressByteArray(dst, 0, dst.length, raw, 0, len);
            return new Compressed(dst, n);
        });
    }

    /** Runs a store write on the writer thread; writes run one at a time in submission order. */
    Future<?> write(java.util.concurrent.Callable<Void> w) {
        return writer.submit(w);
    }

    @Override
    public void close() {
        writer.shutdownNow();
        pool.shutdownNow();
    }
}

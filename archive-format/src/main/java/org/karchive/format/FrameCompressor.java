package org.karchive.format;

import com.github.luben.zstd.Zstd;
import com.github.luben.zstd.ZstdCompressCtx;
import java.util.Arrays;
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
    private final int threads;
    private final int level;
    private final ThreadLocal<ZstdCompressCtx> ctx;

    public FrameCompressor(int threads, int level) {
        this.threads = Math.max(1, threads);
        this.level = level;
        AtomicInteger n = new AtomicInteger();
        this.pool = Executors.newFixedThreadPool(this.threads, r -> {
            Thread t = new Thread(r, "karchive-zstd-" + n.incrementAndGet());
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

    /** Compresses {@code len} bytes of {@code raw} into one frame, asynchronously. */
    public Future<byte[]> compress(byte[] raw, int len) {
        return pool.submit(() -> {
            ZstdCompressCtx c = ctx.get();
            byte[] dst = new byte[(int) Zstd.compressBound(len)];
            int n = c.compressByteArray(dst, 0, dst.length, raw, 0, len);
            return Arrays.copyOf(dst, n);
        });
    }

    @Override
    public void close() {
        pool.shutdownNow();
    }
}

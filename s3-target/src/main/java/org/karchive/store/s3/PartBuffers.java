package org.karchive.store.s3;

import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Part-sized buffers shared by the uploads of one store: an archive uploads one chunk after
 * another, and reusing their part buffers keeps the heap from filling with part-sized arrays that
 * only a full collection would reclaim (peak RSS, docs/BENCHMARKS.md). At most {@code max} idle
 * buffers are kept.
 */
final class PartBuffers {
    private final ConcurrentLinkedQueue<byte[]> idle = new ConcurrentLinkedQueue<>();
    private final AtomicInteger count = new AtomicInteger();
    private final int max;

    PartBuffers(int max) {
        this.max = max;
    }

    /** An idle buffer of exactly {@code size} bytes, else a new one. */
    byte[] take(int size) {
        byte[] b = poll(size);
        return b != null ? b : new byte[size];
    }

    /** An idle buffer of exactly {@code size} bytes, or null when there is none. */
    byte[] poll(int size) {
        byte[] b;
        while ((b = idle.poll()) != null) {
            count.decrementAndGet();
            if (b.length == size) {
                return b;
            }
        }
        return null;
    }

    /** Hands back a buffer no one uses any more. */
    void give(byte[] b) {
        if (b.length > 0 && count.incrementAndGet() <= max) {
            idle.offer(b);
        } else {
            count.decrementAndGet();
        }
    }
}

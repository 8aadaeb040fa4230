package org.karchive.testsupport;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * A small, fast, deterministic PRNG (xorshift64*, seeded through splitmix64). Its output depends
 * only on the seed, never on the JDK version, so a corpus generated from a seed is the same
 * everywhere. Not thread-safe; fork one per subtree instead.
 */
final class Xorshift {
    private static final VarHandle LONGS =
            MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private final long seed;
    private long state;

    Xorshift(long seed) {
        this.seed = seed;
        long s = splitmix(seed);
        this.state = s == 0 ? 0x9E3779B97F4A7C15L : s;
    }

    static long splitmix(long z) {
        z += 0x9E3779B97F4A7C15L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** An independent stream that depends only on this stream's seed and the label. */
    Xorshift fork(String label) {
        long h = 0xCBF29CE484222325L;
        for (byte b : label.getBytes(StandardCharsets.UTF_8)) {
            h = (h ^ (b & 0xff)) * 0x100000001B3L;
        }
        return new Xorshift(splitmix(seed) ^ h);
    }

    long nextLong() {
        long x = state;
        x ^= x >>> 12;
        x ^= x << 25;
        x ^= x >>> 27;
        state = x;
        return x * 0x2545F4914F6CDD1DL;
    }

    /** Uniform in [0, bound). */
    int nextInt(int bound) {
        return (int) Long.remainderUnsigned(nextLong(), bound);
    }

    /** Uniform in [lo, hi] (inclusive). */
    long between(long lo, long hi) {
        return lo + Long.remainderUnsigned(nextLong(), hi - lo + 1);
    }

    double nextDouble() {
        return (nextLong() >>> 11) * 0x1.0p-53;
    }

    boolean chance(double p) {
        return nextDouble() < p;
    }

    /** Log-uniform in [lo, hi]: many small values, few large ones. */
    long logUniform(long lo, long hi) {
        double l = Math.log(lo);
        return Math.min(hi, Math.round(Math.exp(l + nextDouble() * (Math.log(hi) - l))));
    }

    <T> T pick(T[] items) {
        return items[nextInt(items.length)];
    }

    /** Fills {@code len} bytes from {@code off}, eight at a time. */
    void fill(byte[] b, int off, int len) {
        int i = off;
        int end = off + len;
        for (; i + 8 <= end; i += 8) {
            LONGS.set(b, i, nextLong());
        }
        if (i < end) {
            long v = nextLong();
            for (; i < end; i++, v >>>= 8) {
                b[i] = (byte) v;
            }
        }
    }

    /** Eight upper-case hex digits, as dcm4chee's {@code {uid,hash}} path format prints them. */
    String hex8() {
        return String.format("%08X", (int) nextLong());
    }

    String hex(int digits) {
        char[] c = new char[digits];
        for (int i = 0; i < digits; i++) {
            c[i] = HEX[nextInt(16)];
        }
        return new String(c);
    }

    String uuid() {
        return hex(8) + "-" + hex(4) + "-4" + hex(3) + "-" + HEX[8 + nextInt(4)] + hex(3) + "-" + hex(12);
    }

    /** A DICOM-style UID under a fixed root. */
    String dicomUid() {
        return "1.2.826.0.1.3680043.8.498." + Long.toUnsignedString(nextLong() >>> 4);
    }
}

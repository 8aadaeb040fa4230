package org.karchive.store;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;

/**
 * Limits the bandwidth of another store: uploads to {@code uploadBytesPerSecond}, downloads to
 * {@code downloadBytesPerSecond} (0 = unlimited), shared by all threads. A decorator, so every
 * store gets the same behaviour.
 */
public final class ThrottledObjectStore extends ForwardingObjectStore {
    private final TokenBucket up;
    private final TokenBucket down;

    public ThrottledObjectStore(ObjectStore inner, long uploadBytesPerSecond, long downloadBytesPerSecond) {
        super(inner);
        this.up = uploadBytesPerSecond > 0 ? new TokenBucket(uploadBytesPerSecond) : null;
        this.down = downloadBytesPerSecond > 0 ? new TokenBucket(downloadBytesPerSecond) : null;
    }

    /** Wraps {@code store} when a limit is set; returns it unchanged otherwise. */
    public static ObjectStore wrap(ObjectStore store, long uploadBytesPerSecond, long downloadBytesPerSecond) {
        if (uploadBytesPerSecond <= 0 && downloadBytesPerSecond <= 0) {
            return store;
        }
        return new ThrottledObjectStore(store, uploadBytesPerSecond, downloadBytesPerSecond);
    }

    /** A token bucket holding at most one second of bytes. Thread-safe. */
    static final class TokenBucket {
        private final long rate;
        private double tokens;
        private long last = System.nanoTime();

        TokenBucket(long bytesPerSecond) {
            this.rate = bytesPerSecond;
            this.tokens = 0;
        }

        /** Blocks until {@code n} bytes may pass. */
        void take(long n) throws InterruptedIOException {
            long wait;
            synchronized (this) {
                long now = System.nanoTime();
                tokens = Math.min(rate, tokens + (now - last) * rate / 1e9);
                last = now;
                tokens -= n;
                wait = tokens >= 0 ? 0 : (long) (-tokens * 1e9 / rate);
            }
            if (wait > 0) {
                try {
                    Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new InterruptedIOException("interrupted while throttled");
                }
            }
        }
    }

    @Override
    public ObjectWriter create(String key) throws IOException {
        return throttle(inner.create(key));
    }

    @Override
    public ObjectWriter create(String key, long expectedSize) throws IOException {
        return throttle(inner.create(key, expectedSize));
    }

    private ObjectWriter throttle(ObjectWriter w) {
        if (up == null) {
            return w;
        }
        return new ObjectWriter() {
            @Override
            public void write(int b) throws IOException {
                up.take(1);
                w.write(b);
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                int chunk = 64 * 1024;
                for (int i = 0; i < len; i += chunk) {
                    int n = Math.min(chunk, len - i);
                    up.take(n);
                    w.write(b, off + i, n);
                }
            }

            @Override
            public StoredObject commit() throws IOException {
                return w.commit();
            }

            @Override
            public void abort() {
                w.abort();
            }
        };
    }

    @Override
    public InputStream get(String key, long offset, long length) throws IOException {
        InputStream in = inner.get(key, offset, length);
        if (down == null) {
            return in;
        }
        return new FilterInputStream(in) {
            @Override
            public int read() throws IOException {
                int b = super.read();
                if (b >= 0) {
                    down.take(1);
                }
                return b;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                int n = super.read(b, off, Math.min(len, 64 * 1024));
                if (n > 0) {
                    down.take(n);
                }
                return n;
            }
        };
    }







}

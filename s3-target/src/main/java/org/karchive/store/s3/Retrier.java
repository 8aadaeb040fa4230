package org.karchive.store.s3;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import org.karchive.store.EndpointUnreachableException;
import org.karchive.store.RetryableStoreException;
import org.karchive.store.StoreException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Repeats one request on transient failures ({@link RetryableStoreException}, an unreachable
 * endpoint) with exponential backoff and full jitter, at most {@code maxAttempts} times in all.
 * Any other failure is thrown at once. Thread-safe.
 */
public final class Retrier {
    private static final Logger LOG = LoggerFactory.getLogger(Retrier.class);
    private static final long MAX_DELAY_MS = 20_000;

    /** One request attempt. */
    @FunctionalInterface
    public interface Attempt<T> {
        T run() throws IOException;
    }

    /** One request attempt without a result. */
    @FunctionalInterface
    public interface VoidAttempt {
        void run() throws IOException;
    }

    private final int maxAttempts;
    private final long baseDelayMs;

    public Retrier(int maxAttempts, Duration baseDelay) {
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("maxAttempts < 1");
        }
        this.maxAttempts = maxAttempts;
        this.baseDelayMs = baseDelay.toMillis();
    }

    public int maxAttempts() {
        return maxAttempts;
    }

    public static boolean isTransient(IOException e) {
        return e instanceof RetryableStoreException || e instanceof EndpointUnreachableException;
    }

    public <T> T call(String what, Attempt<T> attempt) throws IOException {
        for (int n = 1;; n++) {
            try {
                return attempt.run();
            } catch (StoreException e) {
                if (!isTransient(e) || n >= maxAttempts) {
                    if (n > 1) {
                        LOG.debug("{}: giving up after {} attempts", what, n);
                    }
                    throw e;
                }
                long delay = delayMs(n);
                LOG.debug("{}: attempt {} of {} failed ({}), retrying in {} ms", what, n, maxAttempts,
                        e.getMessage(), delay);
                sleep(delay);
            }
        }
    }

    public void run(String what, VoidAttempt attempt) throws IOException {
        call(what, () -> {
            attempt.run();
            return null;
        });
    }

    /** Full jitter: uniform in [base*2^(n-1)/2, base*2^(n-1)], capped. */
    long delayMs(int failedAttempts) {
        long ceiling = Math.min(MAX_DELAY_MS, baseDelayMs << Math.min(failedAttempts - 1, 20));
        if (ceiling <= 1) {
            return ceiling;
        }
        return ceiling / 2 + ThreadLocalRandom.current().nextLong(ceiling / 2 + 1);
    }

    private static void sleep(long ms) throws InterruptedIOException {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            InterruptedIOException ie = new InterruptedIOException("interrupted while waiting to retry");
            ie.initCause(e);
            throw ie;
        }
    }
}

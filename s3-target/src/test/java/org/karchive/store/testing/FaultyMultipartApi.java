package org.karchive.store.testing;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.karchive.store.RetryableStoreException;
import org.karchive.store.StoreException;
import org.karchive.store.s3.MultipartApi;

/**
 * Wraps a real {@link MultipartApi} and injects failures before (or, for Complete, after) the
 * real call: "fail part 2 twice with a 503", "fail part 3 for good", "lose the response of
 * Complete once". Counts every attempt per part. Thread-safe. Install it with the decorator
 * argument of {@code AwsS3ObjectStore.open} / {@code MinioObjectStore.open}.
 */
public final class FaultyMultipartApi implements MultipartApi {
    private final MultipartApi real;
    private final Map<Integer, AtomicInteger> transientFailuresLeft = new ConcurrentHashMap<>();
    private final Map<Integer, Boolean> permanentFailures = new ConcurrentHashMap<>();
    private final Map<Integer, AtomicInteger> attempts = new ConcurrentHashMap<>();
    private final AtomicInteger lostCompleteResponses = new AtomicInteger();
    private final AtomicInteger completeCalls = new AtomicInteger();

    public FaultyMultipartApi(MultipartApi real) {
        this.real = real;
    }

    /** Part {@code partNumber} fails {@code times} times with a transient error (HTTP 503 SlowDown). */
    public FaultyMultipartApi failPart(int partNumber, int times) {
        transientFailuresLeft.put(partNumber, new AtomicInteger(times));
        return this;
    }

    /** Part {@code partNumber} always fails with a permanent error. */
    public FaultyMultipartApi failPartForever(int partNumber) {
        permanentFailures.put(partNumber, true);
        return this;
    }

    /** The next {@code times} Complete calls succeed on the server, but the caller sees a 500. */
    public FaultyMultipartApi loseCompleteResponse(int times) {
        lostCompleteResponses.set(times);
        return this;
    }

    /** How often part {@code partNumber} was attempted (over all uploads). */
    public int attempts(int partNumber) {
        AtomicInteger n = attempts.get(partNumber);
        return n == null ? 0 : n.get();
    }

    public int completeCalls() {
        return completeCalls.get();
    }

    @Override
    public String create(String key) throws IOException {
        return real.create(key);
    }

    @Override
    public CompletedPart uploadPart(String key, String uploadId, int partNumber, byte[] data, int length)
            throws IOException {
        attempts.computeIfAbsent(partNumber, n -> new AtomicInteger()).incrementAndGet();
        if (permanentFailures.containsKey(partNumber)) {
            throw new StoreException("injected permanent failure of part " + partNumber);
        }
        AtomicInteger left = transientFailuresLeft.get(partNumber);
        if (left != null && left.getAndDecrement() > 0) {
            throw new RetryableStoreException("injected SlowDown (HTTP 503) on part " + partNumber);
        }
        return real.uploadPart(key, uploadId, partNumber, data, length);
    }

    @Override
    public void complete(String key, String uploadId, List<CompletedPart> parts) throws IOException {
        completeCalls.incrementAndGet();
        real.complete(key, uploadId, parts);
        if (lostCompleteResponses.getAndDecrement() > 0) {
            throw new RetryableStoreException("injected lost response of CompleteMultipartUpload (HTTP 500)");
        }
    }

    @Override
    public void abort(String key, String uploadId) throws IOException {
        real.abort(key, uploadId);
    }

    @Override
    public void putObject(String key, byte[] data, int length) throws IOException {
        real.putObject(key, data, length);
    }

    @Override
    public void deleteObject(String key) throws IOException {
        real.deleteObject(key);
    }

    @Override
    public OptionalLong storedSize(String key) throws IOException {
        return real.storedSize(key);
    }
}

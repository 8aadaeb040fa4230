package org.karchive.store.s3;

import java.io.IOException;
import java.io.InputStream;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;
import org.karchive.store.Keys;
import org.karchive.store.ObjectStore;
import org.karchive.store.ObjectWriter;
import org.karchive.store.StoreConfig;

/** What both S3 stores share: key mapping, retries, the part-upload threads and the writer. */
abstract class AbstractS3Store implements ObjectStore {
    private static final AtomicInteger POOL_SEQ = new AtomicInteger();

    protected final S3Location location;
    protected final StoreConfig config;
    protected final Retrier retrier;
    protected final S3Errors errors;
    private final ExecutorService uploads;
    private final PartBuffers partBuffers;
    private MultipartApi multipart;

    AbstractS3Store(S3Location location, StoreConfig config, String endpointForMessages) {
        this.location = location;
        this.config = config;
        this.retrier = new Retrier(config.maxAttempts(), config.retryBaseDelay());
        this.errors = new S3Errors(endpointForMessages, location);
        int pool = POOL_SEQ.incrementAndGet();
        AtomicInteger seq = new AtomicInteger();
        ThreadFactory tf = r -> {
            Thread t = new Thread(r, "karchive-s3-upload-" + pool + "-" + seq.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
        this.uploads = Executors.newCachedThreadPool(tf);
        this.partBuffers = new PartBuffers(config.partsInFlight() + 1);
    }

    /** Sets the multipart API, optionally wrapped by a test decorator. Called once by subclasses. */
    protected final void initMultipart(MultipartApi api, UnaryOperator<MultipartApi> decorator) {
        this.multipart = decorator == null ? api : decorator.apply(api);
    }

    @Override
    public ObjectWriter create(String key) throws IOException {
        return create(key, -1);
    }

    @Override
    public ObjectWriter create(String key, long expectedSize) throws IOException {
        Keys.check(key);
        long partSize = MultipartWriter.partSizeFor(config.partSize(), expectedSize);
        return new MultipartWriter(multipart, location.keyOf(key), key, partSize, config.partsInFlight(), retrier,
                uploads, partBuffers);
    }

    /** One ranged GET as {@link #get} describes it, without resuming. */
    protected abstract InputStream openRange(String key, long offset, long length) throws IOException;

    /** A ranged GET that reopens the rest of the range when the connection breaks mid-stream. */
    @Override
    public InputStream get(String key, long offset, long length) throws IOException {
        InputStream first = openRange(key, offset, length);
        if (length == 0) {
            return first;
        }
        return new ResumingInputStream((from, len) -> openRange(key, from, len), retrier, "GET " + key, first,
                offset, length);
    }

    @Override
    public String describe() {
        return location + " at " + errors.endpoint();
    }

    @Override
    public String toString() {
        return getClass().getSimpleName() + "[" + describe() + "]";
    }

    @Override
    public void close() throws IOException {
        uploads.shutdown();
    }
}

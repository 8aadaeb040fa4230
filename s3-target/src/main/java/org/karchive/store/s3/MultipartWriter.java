package org.karchive.store.s3;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.karchive.store.ObjectWriter;
import org.karchive.store.StoreConfig;
import org.karchive.store.StoreException;
import org.karchive.store.StoredObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Streams one object to S3 through a {@link MultipartApi}, the same engine for every SDK.
 *
 * <p>Bytes are buffered into parts of a fixed size. A full part is handed to the executor only
 * when more bytes follow, so an object of at most one part goes as a single PUT. At most
 * {@code partsInFlight} parts upload at once; the writer blocks when all are busy, so memory is
 * bounded by (partsInFlight + 1) x partSize. Each request is retried on its own by the
 * {@link Retrier}. The first failure fails the writer; {@link #abort()} (also called by a failed
 * {@link #commit()} and by {@link #close()} without commit) waits for running parts and aborts the
 * multipart upload, so nothing is left behind. After CompleteMultipartUpload the stored size is
 * checked with HEAD.
 */
public final class MultipartWriter extends ObjectWriter {
    private static final Logger LOG = LoggerFactory.getLogger(MultipartWriter.class);
    private static final int FIRST_BUFFER = 64 * 1024;

    private final MultipartApi api;
    private final String key;
    private final String storeKey;
    private final int partSize;
    private final int partsInFlight;
    private final Retrier retrier;
    private final ExecutorService executor;
    private final MessageDigest sha256;
    private final Semaphore slots;
    private final PartBuffers freeBuffers;
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private final MultipartApi.CompletedPart[] done;

    private byte[] buf = new byte[0];
    private int pos;
    private long size;
    private int partCount;
    private String uploadId;
    private boolean finished;

    /**
     * @param key the full S3 key
     * @param storeKey the key as the caller named it (for {@link StoredObject} and messages)
     * @param partSize bytes per part (see {@link #partSizeFor})
     */
    public MultipartWriter(MultipartApi api, String key, String storeKey, long partSize, int partsInFlight,
            Retrier retrier, ExecutorService executor) {
        this(api, key, storeKey, partSize, partsInFlight, retrier, executor, new PartBuffers(partsInFlight + 1));
    }

    /** As above, taking part buffers from (and returning them to) a pool shared with other uploads. */
    MultipartWriter(MultipartApi api, String key, String storeKey, long partSize, int partsInFlight,
            Retrier retrier, ExecutorService executor, PartBuffers buffers) {
        if (partSize < 1 || partSize > StoreConfig.MAX_PART_SIZE) {
            throw new IllegalArgumentException("part size out of range: " + partSize);
        }
        this.api = api;
        this.key = key;
        this.storeKey = storeKey;
        this.partSize = (int) partSize;
        this.partsInFlight = partsInFlight;
        this.retrier = retrier;
        this.executor = executor;
        this.freeBuffers = buffers;
        this.slots = new Semaphore(partsInFlight);
        this.done = new MultipartApi.CompletedPart[StoreConfig.MAX_PARTS + 1];
        try {
            this.sha256 = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * The part size for an object: the configured one, raised (in whole MiB) when
     * {@code expectedSize} would otherwise need more than 10,000 parts.
     */
    public static long partSizeFor(long configured, long expectedSize) {
        if (expectedSize <= 0) {
            return configured;
        }
        long needed = (expectedSize + StoreConfig.MAX_PARTS - 1) / StoreConfig.MAX_PARTS;
        long mib = (needed + StoreConfig.MIB - 1) / StoreConfig.MIB * StoreConfig.MIB;
        long size = Math.max(configured, mib);
        if (size > StoreConfig.MAX_PART_SIZE) {
            throw new IllegalArgumentException("an object of " + expectedSize + " bytes does not fit in "
                    + StoreConfig.MAX_PARTS + " parts of at most " + StoreConfig.MAX_PART_SIZE / StoreConfig.MIB
                    + " MiB");
        }
        return size;
    }

    @Override
    public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        if (off < 0 || len < 0 || off + len > b.length) {
            throw new IndexOutOfBoundsException();
        }
        ensureOpen();
        try {
            throwIfFailed();
            sha256.update(b, off, len);
            size += len;
            while (len > 0) {
                if (pos == buf.length) {
                    if (buf.length < partSize) {
                        grow();
                    } else {
                        sendPart();
                    }
                }
                int n = Math.min(len, buf.length - pos);
                System.arraycopy(b, off, buf, pos, n);
                pos += n;
                off += n;
                len -= n;
            }
        } catch (IOException | RuntimeException e) {
            // the first failure ends the upload: nothing may be left behind
            abort();
            throw e;
        }
    }

    private void grow() {
        // small objects get small buffers; a part-sized one is taken as soon as one is idle
        byte[] nb = freeBuffers.poll(partSize);
        if (nb == null) {
            int next = (int) Math.min(partSize, Math.max(FIRST_BUFFER, (long) buf.length * 2));
            nb = new byte[next];
        }
        System.arraycopy(buf, 0, nb, 0, pos);
        buf = nb;
    }

    /** Hands the full current buffer to an upload thread and takes a free one. */
    private void sendPart() throws IOException {
        if (partCount >= StoreConfig.MAX_PARTS) {
            throw new StoreException("object " + storeKey + " needs more than " + StoreConfig.MAX_PARTS
                    + " parts of " + partSize / StoreConfig.MIB + " MiB: raise the part size or pass the expected size");
        }
        if (uploadId == null) {
            uploadId = retrier.call("create upload of " + storeKey, () -> api.create(key));
        }
        acquireSlot();
        throwIfFailedReleasing();
        int partNumber = ++partCount;
        byte[] data = buf;
        int length = pos;
        String id = uploadId;
        try {
            executor.execute(() -> uploadPart(id, partNumber, data, length));
        } catch (RejectedExecutionException e) {
            slots.release();
            throw new StoreException("store is closed; cannot upload " + storeKey, e);
        }
        buf = freeBuffers.take(partSize);
        pos = 0;
    }

    private void uploadPart(String id, int partNumber, byte[] data, int length) {
        try {
            done[partNumber] = retrier.call("part " + partNumber + " of " + storeKey, () -> {
                if (failure.get() != null) {
                    throw new StoreException("upload of " + storeKey + " stopped");
                }
                return api.uploadPart(key, id, partNumber, data, length);
            });
        } catch (Throwable t) {
            failure.compareAndSet(null, t);
        } finally {
            freeBuffers.give(data);
            slots.release();
        }
    }

    private void acquireSlot() throws InterruptedIOException {
        try {
            slots.acquire();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while uploading " + storeKey);
        }
    }

    private void throwIfFailedReleasing() throws IOException {
        if (failure.get() != null) {
            slots.release();
            throwIfFailed();
        }
    }

    private void throwIfFailed() throws IOException {
        Throwable t = failure.get();
        if (t == null) {
            return;
        }
        if (t instanceof StoreException se) {
            // rethrow the classified type so callers see e.g. StoreAccessDeniedException
            throw se;
        }
        if (t instanceof IOException io) {
            throw new StoreException("upload of " + storeKey + " failed: " + io.getMessage(), io);
        }
        throw new StoreException("upload of " + storeKey + " failed: " + t, t);
    }

    private void ensureOpen() throws IOException {
        if (finished) {
            throw new IOException("upload of " + storeKey + " already finished");
        }
    }

    /** Waits until every submitted part has finished (by taking all slots), then gives them back. */
    private boolean awaitParts(long timeout, TimeUnit unit) throws InterruptedIOException {
        try {
            if (!slots.tryAcquire(partsInFlight, timeout, unit)) {
                return false;
            }
            slots.release(partsInFlight);
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while uploading " + storeKey);
        }
    }

    @Override
    public StoredObject commit() throws IOException {
        ensureOpen();
        try {
            throwIfFailed();
            if (uploadId == null) {
                byte[] data = buf;
                int length = pos;
                retrier.run("upload of " + storeKey, () -> api.putObject(key, data, length));
            } else {
                if (pos > 0) {
                    sendPart();
                }
                awaitParts(Long.MAX_VALUE, TimeUnit.DAYS);
                throwIfFailed();
                List<MultipartApi.CompletedPart> parts = new ArrayList<>(partCount);
                for (int i = 1; i <= partCount; i++) {
                    if (done[i] == null || done[i].partNumber() != i) {
                        throw new StoreException("part " + i + " of " + storeKey + " has no ETag");
                    }
                    parts.add(done[i]);
                }
                complete(parts);
                checkStoredSize();
            }
            finished = true;
            release();
            return new StoredObject(storeKey, size, HexFormat.of().formatHex(sha256.digest()));
        } catch (IOException | RuntimeException e) {
            abort();
            throw e;
        }
    }

    private void complete(List<MultipartApi.CompletedPart> parts) throws IOException {
        AtomicBoolean triedBefore = new AtomicBoolean();
        retrier.run("complete upload of " + storeKey, () -> {
            boolean again = triedBefore.getAndSet(true);
            try {
                api.complete(key, uploadId, parts);
            } catch (NoSuchUploadException e) {
                // a retried Complete whose first attempt succeeded unseen: accept the stored object
                if (again) {
                    OptionalLong stored = api.storedSize(key);
                    if (stored.isPresent() && stored.getAsLong() == size && storedHashMatches()) {
                        LOG.debug("upload of {} was completed by an earlier attempt (size and SHA-256 checked)",
                                storeKey);
                        return;
                    }
                }
                throw e;
            }
        });
    }

    /**
     * Whether the stored object's SHA-256 is the one of the bytes written here; true when the API
     * cannot read (the size was checked, and verify checks the hash later).
     */
    private boolean storedHashMatches() throws IOException {
        MessageDigest mine;
        try {
            mine = (MessageDigest) sha256.clone();
        } catch (CloneNotSupportedException e) {
            return true;
        }
        MessageDigest theirs;
        try {
            theirs = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        try (java.io.InputStream in = api.read(key)) {
            if (in == null) {
                return true;
            }
            byte[] b = new byte[1 << 16];
            int n;
            while ((n = in.read(b)) > 0) {
                theirs.update(b, 0, n);
            }
        }
        boolean same = MessageDigest.isEqual(mine.digest(), theirs.digest());
        if (!same) {
            LOG.warn("the stored {} has the right size but not the SHA-256 of what was uploaded", storeKey);
        }
        return same;
    }

    private void checkStoredSize() throws IOException {
        OptionalLong stored = retrier.call("check size of " + storeKey, () -> api.storedSize(key));
        if (stored.isEmpty() || stored.getAsLong() != size) {
            String got = stored.isEmpty() ? "nothing" : stored.getAsLong() + " bytes";
            // the upload is completed: the stored object is wrong, remove it so nothing bad is visible
            uploadId = null;
            try {
                api.deleteObject(key);
            } catch (IOException e) {
                LOG.warn("could not delete the damaged object {}: {}", storeKey, e.getMessage());
            }
            throw new StoreException("stored object " + storeKey + " has " + got + ", expected " + size
                    + " bytes: the store did not keep what was uploaded");
        }
    }

    @Override
    public void abort() {
        if (finished) {
            return;
        }
        finished = true;
        failure.compareAndSet(null, new StoreException("upload of " + storeKey + " aborted"));
        // On Ctrl-C the thread is interrupted: an interrupted thread cannot make the abort request, so
        // the flag is cleared here and set again afterwards. The wait is short then, since the
        // process exits soon (the parts still running need not finish: the upload is aborted).
        boolean interrupted = Thread.interrupted();
        try {
            if (!awaitParts(interrupted ? 10 : 300, TimeUnit.SECONDS)) {
                LOG.warn("parts of {} still running after abort", storeKey);
            }
        } catch (InterruptedIOException e) {
            interrupted = true;
            Thread.interrupted();
        }
        if (uploadId != null) {
            String id = uploadId;
            try {
                retrier.run("abort upload of " + storeKey, () -> api.abort(key, id));
            } catch (IOException e) {
                LOG.warn("could not abort the upload of {} ({}); it is listed as pending and removed later",
                        storeKey, e.getMessage());
            }
        }
        release();
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    private void release() {
        if (buf.length == partSize) {
            freeBuffers.give(buf);
        }
        buf = new byte[0];
    }
}

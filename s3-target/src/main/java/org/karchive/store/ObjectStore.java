package org.karchive.store;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * A flat namespace of immutable objects: a local directory, or a prefix in an S3 bucket.
 *
 * <p>Contract every implementation keeps (checked by the shared {@code ObjectStoreContract} suite):
 * <ul>
 *   <li>Keys are relative, '/'-separated, ASCII, and never start with '/'; the store maps them
 *       below its own root or prefix.</li>
 *   <li>{@link #create(String)} streams an object of unknown length. Nothing is visible under the
 *       key until {@link ObjectWriter#commit()} returns; {@link ObjectWriter#abort()} (or a failed
 *       commit) leaves nothing visible and no incomplete upload behind. A commit replaces an
 *       existing object atomically.</li>
 *   <li>{@link #get(String, long, long)} returns exactly the requested range or throws
 *       {@link ObjectNotFoundException}; a range past the end is truncated to the object.</li>
 *   <li>{@link #delete(String)} of a missing key succeeds.</li>
 *   <li>{@link #list(String)} returns every object under the prefix, sorted by key, any count.</li>
 *   <li>Implementations are safe for use from many threads.</li>
 * </ul>
 */
public interface ObjectStore extends Closeable {

    /** Starts a streaming upload of an object of unknown length. */
    ObjectWriter create(String key) throws IOException;

    /**
     * Starts a streaming upload with a hint of its final size (or {@code -1} when unknown), so a
     * store can pick a part size that fits the object. The hint is not a limit; stores that need
     * no hint ignore it.
     */
    default ObjectWriter create(String key, long expectedSize) throws IOException {
        return create(key);
    }

    /**
     * Opens {@code length} bytes of the object starting at {@code offset}; {@code length < 0}
     * means to the end.
     *
     * @throws ObjectNotFoundException if there is no such object
     */
    InputStream get(String key, long offset, long length) throws IOException;

    /** Opens the whole object. */
    default InputStream get(String key) throws IOException {
        return get(key, 0, -1);
    }

    /** Size and time of one object, or empty when it does not exist. */
    Optional<ObjectInfo> stat(String key) throws IOException;

    /** Every object whose key starts with {@code prefix}, sorted by key. */
    List<ObjectInfo> list(String prefix) throws IOException;

    /** Deletes one object; a missing key is not an error. */
    void delete(String key) throws IOException;

    /** Uploads started with {@link #create} that were neither committed nor aborted (crashed runs). */
    List<PendingUpload> listPendingUploads(String prefix) throws IOException;

    /** Discards one pending upload. */
    void abortPendingUpload(PendingUpload upload) throws IOException;

    /** A short description for messages, e.g. {@code file:///backup} or {@code s3://bucket/prefix}. */
    String describe();

    /** Convenience: stores a small object in one call. */
    default StoredObject put(String key, byte[] data) throws IOException {
        ObjectWriter w = create(key);
        try {
            w.write(data);
            return w.commit();
        } catch (IOException | RuntimeException e) {
            w.abort();
            throw e;
        }
    }

    /** Convenience: reads a whole (small) object. */
    default byte[] getBytes(String key) throws IOException {
        try (InputStream in = get(key)) {
            return in.readAllBytes();
        }
    }

    /** Metadata of one stored object. */
    record ObjectInfo(String key, long size, Instant lastModified) {
        public ObjectInfo {
            if (key == null || key.isEmpty()) {
                throw new IllegalArgumentException("empty key");
            }
            if (size < 0) {
                throw new IllegalArgumentException("negative size " + size);
            }
        }
    }

    /** An upload a crashed or interrupted run left behind. */
    record PendingUpload(String key, String uploadId, Instant initiated) {
    }
}

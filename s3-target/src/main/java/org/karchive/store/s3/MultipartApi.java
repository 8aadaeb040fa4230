package org.karchive.store.s3;

import java.io.IOException;
import java.util.List;
import java.util.OptionalLong;

/**
 * The few S3 calls the streaming upload needs, one implementation per SDK. Keys are full S3 keys.
 * Every method makes one attempt; {@link MultipartWriter} retries. Failures are
 * {@link org.karchive.store.StoreException}s already classified: transient ones are
 * {@link org.karchive.store.RetryableStoreException}, a vanished upload is
 * {@link NoSuchUploadException}. Implementations are called from many threads at once.
 */
public interface MultipartApi {

    /** Starts a multipart upload and returns its upload id. */
    String create(String key) throws IOException;

    /** Uploads part {@code partNumber} (1-based) from {@code data[0..length)}; returns its ETag (and checksum). */
    CompletedPart uploadPart(String key, String uploadId, int partNumber, byte[] data, int length) throws IOException;

    /** Completes the upload from its parts, sorted by number. */
    void complete(String key, String uploadId, List<CompletedPart> parts) throws IOException;

    /** Aborts the upload; an upload that no longer exists is not an error. */
    void abort(String key, String uploadId) throws IOException;

    /** Stores a whole (small) object with one PUT. */
    void putObject(String key, byte[] data, int length) throws IOException;

    /** Deletes an object; a missing one is not an error. */
    void deleteObject(String key) throws IOException;

    /**
     * Opens the whole stored object for reading (retried like any download), or returns null when
     * this API cannot read. Used only to check an upload whose completion was not seen.
     */
    default java.io.InputStream read(String key) throws IOException {
        return null;
    }

    /** The stored size of an object (HEAD), or empty when it does not exist. */
    OptionalLong storedSize(String key) throws IOException;

    /** One uploaded part; {@code checksum} is the SDK's part checksum (CRC32, base64) or null. */
    record CompletedPart(int partNumber, String etag, String checksum) {
        public CompletedPart {
            if (partNumber < 1 || partNumber > 10_000 || etag == null) {
                throw new IllegalArgumentException("invalid part " + partNumber + " etag " + etag);
            }
        }
    }
}

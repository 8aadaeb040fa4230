package org.karchive.store.s3;

import org.karchive.store.StoreException;

/** The multipart upload no longer exists (completed or aborted meanwhile). */
public class NoSuchUploadException extends StoreException {
    private static final long serialVersionUID = 1L;

    public NoSuchUploadException(String message, Throwable cause) {
        super(message, cause);
    }
}

package org.karchive.store;

/** The endpoint refused the credentials or the caller lacks permission (HTTP 403, InvalidAccessKeyId, SignatureDoesNotMatch, AccessDenied). */
public class StoreAccessDeniedException extends StoreException {
    private static final long serialVersionUID = 1L;

    public StoreAccessDeniedException(String message) {
        super(message);
    }

    public StoreAccessDeniedException(String message, Throwable cause) {
        super(message, cause);
    }
}

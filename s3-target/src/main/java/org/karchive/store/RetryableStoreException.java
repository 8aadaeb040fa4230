package org.karchive.store;

/** A transient failure that may succeed when repeated: HTTP 5xx, throttling (SlowDown, 429), a reset or timed-out connection. Retried with backoff inside the store; reaching a caller means the attempts ran out. */
public class RetryableStoreException extends StoreException {
    private static final long serialVersionUID = 1L;

    public RetryableStoreException(String message) {
        super(message);
    }

    public RetryableStoreException(String message, Throwable cause) {
        super(message, cause);
    }
}

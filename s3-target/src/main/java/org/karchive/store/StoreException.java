package org.karchive.store;

import java.io.IOException;

/** A store operation failed (I/O, network, refused request). The message says what to check. */
public class StoreException extends IOException {
    private static final long serialVersionUID = 1L;

    public StoreException(String message) {
        super(message);
    }

    public StoreException(String message, Throwable cause) {
        super(message, cause);
    }
}

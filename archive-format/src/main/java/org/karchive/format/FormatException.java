package org.karchive.format;

import java.io.IOException;

/**
 * Stored data is malformed or does not match what the manifest or index says: a damaged, truncated
 * or hostile chunk or manifest. Always names the object or path involved.
 */
public class FormatException extends IOException {
    private static final long serialVersionUID = 1L;

    public FormatException(String message) {
        super(message);
    }

    public FormatException(String message, Throwable cause) {
        super(message, cause);
    }
}

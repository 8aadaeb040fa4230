package org.karchive.app.crypt;

import java.io.IOException;

/**
 * A key is missing, unreadable or does not open the repository's data (wrong identity, wrong
 * passphrase). Exit code 1: nothing was decrypted, so nothing was trusted or written.
 */
public class KeyException extends IOException {
    private static final long serialVersionUID = 1L;

    public KeyException(String message) {
        super(message);
    }

    public KeyException(String message, Throwable cause) {
        super(message, cause);
    }
}

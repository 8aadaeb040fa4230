package org.karchive.store;

/** The TLS handshake with the S3 endpoint failed (untrusted or invalid certificate, protocol mismatch). */
public class StoreTlsException extends StoreException {
    private static final long serialVersionUID = 1L;

    public StoreTlsException(String message) {
        super(message);
    }

    public StoreTlsException(String message, Throwable cause) {
        super(message, cause);
    }
}

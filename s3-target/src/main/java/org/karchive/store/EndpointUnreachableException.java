package org.karchive.store;

/** The S3 endpoint could not be reached (connection refused, unknown host, timeout while connecting). */
public class EndpointUnreachableException extends StoreException {
    private static final long serialVersionUID = 1L;

    public EndpointUnreachableException(String message) {
        super(message);
    }

    public EndpointUnreachableException(String message, Throwable cause) {
        super(message, cause);
    }
}

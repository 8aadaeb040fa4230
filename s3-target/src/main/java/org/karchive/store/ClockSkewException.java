package org.karchive.store;

/** The server rejected the request time (RequestTimeTooSkewed): the local clock is wrong. */
public class ClockSkewException extends StoreException {
    private static final long serialVersionUID = 1L;

    public ClockSkewException(String message) {
        super(message);
    }

    public ClockSkewException(String message, Throwable cause) {
        super(message, cause);
    }
}

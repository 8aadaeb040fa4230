package org.karchive.format;

/** Content does not hash to the value the manifest or index records. */
public class IntegrityException extends FormatException {
    private static final long serialVersionUID = 1L;

    public IntegrityException(String message) {
        super(message);
    }
}

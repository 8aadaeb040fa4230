package org.karchive.store;

/** The bucket named in the repository URL does not exist (NoSuchBucket). */
public class BucketNotFoundException extends StoreException {
    private static final long serialVersionUID = 1L;

    public BucketNotFoundException(String message) {
        super(message);
    }

    public BucketNotFoundException(String message, Throwable cause) {
        super(message, cause);
    }
}

package org.karchive.store;

import java.io.IOException;
import java.io.OutputStream;

/**
 * The writing end of one object upload. Not thread-safe: one producer writes, then commits or
 * aborts. {@link #close()} without a prior {@link #commit()} aborts, so try-with-resources never
 * publishes a half-written object.
 */
public abstract class ObjectWriter extends OutputStream {

    /**
     * Finishes the upload and makes the object visible. Returns the stored size and the SHA-256
     * of every byte written, computed while streaming.
     */
    public abstract StoredObject commit() throws IOException;

    /** Discards everything written; idempotent; never throws for an already finished writer. */
    public abstract void abort();

    /** Aborts unless committed. */
    @Override
    public void close() {
        abort();
    }
}

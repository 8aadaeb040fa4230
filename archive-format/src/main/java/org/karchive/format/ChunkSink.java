package org.karchive.format;

import java.io.IOException;

/**
 * Where finished chunk bytes go. Declared here (the consumer owns the interface) and implemented
 * by the application on top of whatever stores objects. Called from one thread.
 */
public interface ChunkSink {

    /** Starts chunk number {@code seq} of this run; its key is known before any byte is written. */
    Upload begin(long seq) throws IOException;

    /** One chunk being written. Close without commit discards it. */
    interface Upload extends AutoCloseable {
        /** Key of the chunk relative to the repository, recorded in manifest records. */
        String key();

        void write(byte[] b, int off, int len) throws IOException;

        /** Publishes the chunk; returns what was stored. */
        StoredChunk commit() throws IOException;

        /** Discards the chunk; never throws. */
        void abort();

        @Override
        default void close() {
            abort();
        }
    }

    /**
     * A committed chunk: key, stored size and SHA-256 of the stored bytes, and how many bytes were
     * written to the upload (equal to {@code size} unless the sink transforms what it stores, e.g.
     * encrypts it).
     */
    record StoredChunk(String key, long size, String sha256, long written) {
        public StoredChunk(String key, long size, String sha256) {
            this(key, size, sha256, size);
        }
    }
}

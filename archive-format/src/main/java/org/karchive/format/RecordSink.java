package org.karchive.format;

import java.io.IOException;

/** Receives manifest records in path order (a {@link ManifestWriter}, or a tee of several). */
public interface RecordSink {
    void write(ManifestRecord record) throws IOException;
}

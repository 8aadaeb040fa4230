package org.karchive.format;

import java.io.IOException;

/** A restore would replace something that exists and {@code --overwrite} was not given. */
public class RestoreConflictException extends IOException {
    private static final long serialVersionUID = 1L;

    public RestoreConflictException(String path) {
        this(path, 0);
    }

    /** {@code more}: how many further paths conflict. */
    public RestoreConflictException(String path, int more) {
        super("refusing to replace existing " + SafePaths.printable(path) + (more > 0 ? " and " + more + " more" : "")
                + " (use --overwrite)");
    }
}

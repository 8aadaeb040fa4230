package org.karchive.app.repo;

import java.io.IOException;

/** The repository is missing, malformed, or lacks what was asked for (e.g. a snapshot). */
public class RepositoryException extends IOException {
    private static final long serialVersionUID = 1L;

    public RepositoryException(String message) {
        super(message);
    }

    public RepositoryException(String message, Throwable cause) {
        super(message, cause);
    }
}

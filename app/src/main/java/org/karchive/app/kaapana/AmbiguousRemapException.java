package org.karchive.app.kaapana;

import java.io.IOException;

/** {@code --kaapana-remap} cannot tell which folder an archived volume belongs in (exit code 1). */
public class AmbiguousRemapException extends IOException {
    private static final long serialVersionUID = 1L;

    public AmbiguousRemapException(String message) {
        super(message);
    }
}

package org.karchive.app.kaapana;

import java.io.IOException;

/** {@code archive --kaapana} found the platform running (exit code 1); {@code --allow-hot} overrides. */
public class KaapanaAliveException extends IOException {
    private static final long serialVersionUID = 1L;

    public KaapanaAliveException(String message) {
        super(message);
    }
}

package org.karchive.app;

import java.io.InterruptedIOException;
import java.io.IOException;
import java.nio.channels.ClosedByInterruptException;
import org.karchive.app.crypt.KeyException;
import org.karchive.app.kaapana.KaapanaAliveException;
import org.karchive.format.FormatException;
import picocli.CommandLine;

/** The process exit codes of ../shared/CLI.md, and the one place exceptions are mapped to them. */
public enum ExitCode {
    OK(0),
    FAILED(1),
    USAGE(2),
    PARTIAL(3),
    VERIFY_FAILED(4),
    INTERRUPTED(130);

    private final int code;

    ExitCode(int code) {
        this.code = code;
    }

    public int code() {
        return code;
    }

    /** The exit code for a failure. */
    public static ExitCode of(Throwable t) {
        if (t instanceof CommandLine.ParameterException || t instanceof UsageException) {
            return USAGE;
        }
        // an interruption may arrive wrapped, e.g. by a store client whose request was cut short
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof InterruptedException || c instanceof ClosedByInterruptException
                    || (c instanceof InterruptedIOException && !(c instanceof java.net.SocketTimeoutException)
                        && !"timeout".equals(c.getMessage()))) { // okio reports its timeouts this way
                return INTERRUPTED;
            }
        }
        if (t instanceof KaapanaAliveException) {
            return FAILED;
        }
        if (t instanceof KeyException) {
            return FAILED; // a missing or wrong key: nothing was decrypted, nothing is damaged
        }
        if (t instanceof FormatException) {
            return VERIFY_FAILED;
        }
        if (t instanceof IOException || t instanceof RuntimeException) {
            return FAILED;
        }
        return FAILED;
    }
}

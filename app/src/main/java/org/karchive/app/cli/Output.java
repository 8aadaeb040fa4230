package org.karchive.app.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import java.io.PrintWriter;
import org.karchive.format.Json;

/**
 * The output channels: results on stdout (text, or one JSON document with --json), messages and
 * warnings on stderr. Commands never print any other way.
 */
public final class Output {
    private final PrintWriter out;
    private final PrintWriter err;
    private final GlobalOptions options;

    public Output(PrintWriter out, PrintWriter err, GlobalOptions options) {
        this.out = out;
        this.err = err;
        this.options = options;
    }

    public boolean json() {
        return options.json;
    }

    /** Prints the result: {@code document} as JSON with --json, else {@code text} (unless --quiet). */
    public void result(Object document, String text) {
        if (options.json) {
            try {
                out.println(Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(document));
            } catch (JsonProcessingException e) {
                throw new IllegalStateException(e);
            }
        } else if (!options.quiet && text != null && !text.isEmpty()) {
            out.print(text.endsWith("\n") ? text : text + "\n");
        }
        out.flush();
    }

    /** A warning on stderr (suppressed by --quiet). */
    public void warn(String message) {
        if (!options.quiet) {
            err.println("warning: " + message);
            err.flush();
        }
    }

    /** A message on stderr (suppressed by --quiet), printed as given. */
    public void message(String text) {
        if (!options.quiet) {
            err.print(text.endsWith("\n") ? text : text + "\n");
            err.flush();
        }
    }

    /** Detail shown only with --verbose. */
    public void verbose(String message) {
        if (options.verbose) {
            err.println(message);
            err.flush();
        }
    }
}

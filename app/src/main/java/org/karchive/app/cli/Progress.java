package org.karchive.app.cli;

import com.sun.jna.Library;
import com.sun.jna.Native;
import java.io.PrintStream;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * Progress on stderr (bytes done of total, throughput, ETA, current file), drawn by the
 * progressbar library. Shown only on a terminal: never with --json, --quiet or --no-progress, and
 * never when stderr is a pipe or file. Listener methods may be called from any thread.
 */
public final class Progress implements AutoCloseable {
    /** The decision, kept apart so it can be tested without a terminal. */
    public static boolean enabled(GlobalOptions g, boolean stderrIsTerminal) {
        return stderrIsTerminal && !g.json && !g.quiet && !g.noProgress;
    }

    interface CLib extends Library {
        int isatty(int fd);
    }

    /** True when file descriptor 2 is a terminal (false when that cannot be told). */
    public static boolean stderrIsTerminal() {
        try {
            return Native.load("c", CLib.class).isatty(2) == 1;
        } catch (Throwable t) {
            return false;
        }
    }

    private final boolean enabled;
    private final String task;
    private ProgressBar bar;

    /** A display for {@code task}; nothing is drawn until {@link #begin} (or the first step). */
    public Progress(GlobalOptions g, String task) {
        this.enabled = enabled(g, stderrIsTerminal());
        this.task = task;
    }

    /** Starts drawing; {@code totalBytes} below 0 when the total is not known (no ETA then). */
    public synchronized void begin(long totalBytes) {
        if (!enabled || bar != null) {
            return;
        }
        bar = new ProgressBarBuilder()
                .setTaskName(task)
                .setInitialMax(totalBytes > 0 ? totalBytes : -1)
                .setUnit(" MiB", 1 << 20)
                .showSpeed()
                .setStyle(ProgressBarStyle.ASCII)
                .setUpdateIntervalMillis(250)
                .setConsumer(new ConsoleProgressBarConsumer(new PrintStream(System.err, true), 100))
                .build();
    }

    public boolean visible() {
        return enabled;
    }

    /** Adds {@code bytes} done; {@code current} names what is being worked on. */
    public synchronized void step(long bytes, String current) {
        if (enabled && bar == null) {
            begin(-1);
        }
        if (bar != null) {
            bar.stepBy(bytes);
            if (current != null) {
                String c = current.length() > 40 ? "…" + current.substring(current.length() - 39) : current;
                bar.setExtraMessage(" " + c);
            }
        }
    }

    @Override
    public synchronized void close() {
        if (bar != null) {
            bar.close();
        }
    }
}

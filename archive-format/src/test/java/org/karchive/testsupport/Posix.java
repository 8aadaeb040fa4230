package org.karchive.testsupport;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** The few POSIX operations the JDK lacks or gets wrong, done with stock Linux tools. */
final class Posix {
    private static final LinkOption NOFOLLOW = LinkOption.NOFOLLOW_LINKS;
    private static volatile Boolean root;

    private Posix() {}

    static boolean isRoot() {
        Boolean r = root;
        if (r == null) {
            boolean uid0;
            try {
                uid0 = Integer.valueOf(0).equals(Files.getAttribute(Path.of("/proc/self"), "unix:uid"));
            } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
                uid0 = false;
            }
            r = uid0 || "root".equals(System.getProperty("user.name"));
            root = r;
        }
        return r;
    }

    /** Sets owner, never following a symlink. Only call as root. */
    static void chown(Path p, int uid, int gid) throws IOException {
        Files.setAttribute(p, "unix:uid", uid, NOFOLLOW);
        Files.setAttribute(p, "unix:gid", gid, NOFOLLOW);
    }

    /** chmod with all twelve bits (setuid/setgid/sticky included). Follows links: never call on one. */
    static void chmod(Path p, int mode) throws IOException {
        Files.setAttribute(p, "unix:mode", mode);
    }

    /**
     * Sets the mtime (and atime) of {@code p} itself, to the nanosecond. The JDK's setTimes opens
     * the file (which blocks on a FIFO) and turns pre-1970 times into 1970, so those cases go
     * through {@code touch -h}.
     */
    static void setMtime(Path p, Instant t, boolean special) throws IOException {
        if (!special && t.getEpochSecond() >= 0) {
            FileTime ft = FileTime.from(t);
            Files.getFileAttributeView(p, BasicFileAttributeView.class, NOFOLLOW).setTimes(ft, ft, null);
            return;
        }
        run("touch", "-h", "-c", "-d", touchDate(t), "--", p.toString());
    }

    /** GNU date syntax for an exact instant: {@code @seconds.nanoseconds}, correct below zero too. */
    static String touchDate(Instant t) {
        long s = t.getEpochSecond();
        int n = t.getNano();
        if (s >= 0) {
            return String.format("@%d.%09d", s, n);
        }
        // touch reads "@-5.25" as -5.25 s; Instant stores it as -6 s + 0.75 s.
        if (n == 0) {
            return "@" + s;
        }
        return String.format("@-%d.%09d", -(s + 1), 1_000_000_000 - n);
    }

    static void mkfifo(Path p, int mode) throws IOException {
        run("mkfifo", "-m", Integer.toOctalString(mode), "--", p.toString());
    }

    /** Runs a command, returns its stdout; a non-zero exit is an IOException carrying stderr. */
    static String run(String... cmd) throws IOException {
        Process proc = new ProcessBuilder(List.of(cmd)).redirectErrorStream(false).start();
        proc.getOutputStream().close();
        byte[] out;
        byte[] err;
        try (InputStream o = proc.getInputStream(); InputStream e = proc.getErrorStream()) {
            out = o.readAllBytes();
            err = e.readAllBytes();
        }
        try {
            if (!proc.waitFor(30, TimeUnit.SECONDS)) {
                proc.destroyForcibly();
                throw new IOException("timed out: " + String.join(" ", cmd));
            }
        } catch (InterruptedException ie) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted: " + String.join(" ", cmd), ie);
        }
        if (proc.exitValue() != 0) {
            throw new IOException(String.join(" ", new ArrayList<>(List.of(cmd))) + " exited "
                    + proc.exitValue() + ": " + new String(err, StandardCharsets.UTF_8).strip());
        }
        return new String(out, StandardCharsets.UTF_8);
    }
}

package org.karchive.app;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.karchive.format.Json;

/**
 * Runs the real entry point in a separate JVM (heap capped at 256 MiB), with its own environment:
 * for memory limits, kill -9, and credentials that only the environment may carry.
 */
final class ChildKarchive {
    private final Path dir;
    private final Map<String, String> env;
    private int runs;

    ChildKarchive(Path dir, Map<String, String> env) {
        this.dir = dir;
        this.env = env;
    }

    /** A started process; stdout and stderr go to files. */
    record Handle(Process process, Path out, Path err) {
        String stderr() throws IOException {
            return Files.readString(err, StandardCharsets.UTF_8);
        }

        JsonNode json() throws IOException {
            return Json.MAPPER.readTree(out.toFile());
        }
    }

    /** Exit code and output of a finished run. */
    record Result(int code, JsonNode json, String stderr) {
    }

    Handle start(String... args) throws IOException {
        return start(false, args);
    }

    /**
     * Starts a child that reacts to SIGINT like one started from a terminal: a child of a
     * non-interactive shell may inherit SIGINT ignored (and the JVM then installs no handler), so it
     * goes through {@code env --default-signal=INT}, which execs java with the default disposition.
     */
    Handle startInterruptible(String... args) throws IOException {
        return start(true, args);
    }

    /** Sends SIGINT (what Ctrl-C sends), not SIGTERM as {@link Process#destroy()} does. */
    static void sigint(Process p) throws IOException, InterruptedException {
        Process k = new ProcessBuilder("kill", "-INT", Long.toString(p.pid())).inheritIO().start();
        if (k.waitFor() != 0) {
            throw new AssertionError("kill -INT " + p.pid() + " failed");
        }
    }

    private Handle start(boolean defaultSigint, String... args) throws IOException {
        int n = ++runs;
        List<String> cmd = new ArrayList<>();
        if (defaultSigint) {
            cmd.addAll(List.of("env", "--default-signal=INT"));
        }
        cmd.addAll(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m", "-XX:+ExitOnOutOfMemoryError", "-Dkarchive.staleRunSeconds=0",
                "-cp", System.getProperty("java.class.path"), Main.class.getName()));
        cmd.addAll(List.of(args));
        Path out = dir.resolve("child-" + n + ".out");
        Path err = dir.resolve("child-" + n + ".err");
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile());
        pb.environment().put("LC_ALL", "C.UTF-8");
        pb.environment().remove("KARCHIVE_REPO");
        pb.environment().putAll(env);
        return new Handle(pb.start(), out, err);
    }

    /** Runs to completion (at most 10 minutes). */
    Result run(String... args) throws IOException, InterruptedException {
        Handle h = start(args);
        if (!h.process().waitFor(10, TimeUnit.MINUTES)) {
            h.process().destroyForcibly();
            throw new AssertionError("karchive " + String.join(" ", args) + " did not finish");
        }
        String stdout = Files.readString(h.out(), StandardCharsets.UTF_8).trim();
        JsonNode json = stdout.startsWith("{") || stdout.startsWith("[") ? h.json() : null;
        return new Result(h.process().exitValue(), json, h.stderr());
    }

    /** Runs and requires exit code 0; returns the JSON document. */
    JsonNode ok(String... args) throws IOException, InterruptedException {
        Result r = run(args);
        if (r.code() != 0) {
            throw new AssertionError("karchive " + String.join(" ", args) + " exited " + r.code() + ": "
                    + r.stderr());
        }
        return r.json();
    }
}

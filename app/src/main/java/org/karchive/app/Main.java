package org.karchive.app;

import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import org.karchive.app.cli.ArchiveCommand;
import org.karchive.app.cli.CheckRepoCommand;
import org.karchive.app.cli.ConfigDefaults;
import org.karchive.app.cli.ForgetCommand;
import org.karchive.app.cli.PruneCommand;
import org.karchive.app.cli.GlobalOptions;
import org.karchive.app.cli.LsCommand;
import org.karchive.app.cli.Output;
import org.karchive.app.cli.RestoreCommand;
import org.karchive.app.cli.S3Options;
import org.karchive.app.cli.SnapshotsCommand;
import org.karchive.app.cli.VerifyCommand;
import org.karchive.format.Json;
import org.karchive.format.ManifestHeader;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** The karchive command line. {@link #run} is the testable entry point; only {@link #main} exits. */
@Command(name = "karchive", mixinStandardHelpOptions = true, versionProvider = Main.VersionProvider.class,
        description = "Chunked tar.zst backups of directory trees to local disk or any S3 endpoint.",
        subcommands = {ArchiveCommand.class, RestoreCommand.class, VerifyCommand.class, SnapshotsCommand.class,
            LsCommand.class, ForgetCommand.class, PruneCommand.class, CheckRepoCommand.class})
public final class Main implements Runnable {
    @Mixin
    private GlobalOptions global = new GlobalOptions();

    @Mixin
    private S3Options s3 = new S3Options();

    public S3Options s3() {
        return s3;
    }

    private Output output;

    public GlobalOptions global() {
        return global;
    }

    public Output output() {
        return output;
    }

    @Override
    public void run() {
        throw new CommandLine.ParameterException(new CommandLine(this), "missing command (try --help)");
    }

    public static void main(String[] args) {
        configureLogging(args, System.getenv());
        if (!org.karchive.format.NativeDigests.install() && Boolean.getBoolean("karchive.c1")) {
            System.err.println("karchive: warning: OpenSSL's libcrypto.so.3 could not be used, so hashing is slow "
                    + "with the launcher's C1-only JVM; set KARCHIVE_JAVA_OPTS=\"-XX:+UseSerialGC -Xmx256m\"");
        }
        PrintWriter out = new PrintWriter(System.out, true, StandardCharsets.UTF_8);
        PrintWriter err = new PrintWriter(System.err, true, StandardCharsets.UTF_8);
        Thread worker = Thread.currentThread();
        Thread hook = new Thread(() -> {
            // SIGINT/SIGTERM: interrupt the command so it aborts its uploads, and give it time to do
            // so; the JVM then exits with 128 + signal (130 for Ctrl-C).
            err.println("karchive: interrupted; aborting uploads in progress...");
            err.flush();
            worker.interrupt();
            try {
                worker.join(30_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "karchive-interrupt");
        Runtime.getRuntime().addShutdownHook(hook);
        int code = run(out, err, args);
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
            return; // interrupted: the JVM is already exiting with 128 + signal
        }
        System.exit(code);
    }

    /** Runs one command line and returns its exit code. */
    public static int run(PrintWriter out, PrintWriter err, String... args) {
        return run(out, err, System.getenv(), args);
    }

    /**
     * SLF4J (slf4j-simple) on stderr: warnings only by default; with --verbose also karchive's
     * debug lines, among them one per S3 request. The AWS SDK's own loggers stay at warn, so its
     * debug output (which can include request headers) never appears.
     */
    static void configureLogging(String[] args, Map<String, String> env) {
        boolean verbose = "true".equalsIgnoreCase(env.get("KARCHIVE_VERBOSE"));
        for (String a : args) {
            verbose |= a.equals("-v") || a.equals("--verbose");
        }
        System.setProperty("org.slf4j.simpleLogger.logFile", "System.err");
        System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
        System.setProperty("org.slf4j.simpleLogger.showThreadName", "false");
        System.setProperty("org.slf4j.simpleLogger.showShortLogName", "true");
        System.setProperty("org.slf4j.simpleLogger.log.software.amazon.awssdk", "warn");
        System.setProperty("org.slf4j.simpleLogger.log.org.apache", "warn");
        if (verbose) {
            System.setProperty("org.slf4j.simpleLogger.log.org.karchive", "debug");
        }
    }

    /** Runs one command line with the given environment (the source of KARCHIVE_* defaults). */
    public static int run(PrintWriter out, PrintWriter err, Map<String, String> env, String... args) {
        Main main = new Main();
        CommandLine cl = new CommandLine(main);
        try {
            cl.setDefaultValueProvider(ConfigDefaults.load(args, env));
        } catch (UsageException e) {
            err.println("karchive: " + e.getMessage());
            err.flush();
            return ExitCode.USAGE.code();
        }
        cl.setOut(out);
        cl.setErr(err);
        main.output = new Output(out, err, main.global);
        cl.setExecutionStrategy(new CommandLine.RunLast());
        cl.setParameterExceptionHandler((ex, a) -> {
            report(main, out, err, ex.getMessage(), ExitCode.USAGE);
            if (!main.global.json) {
                err.println("Try 'karchive " + (ex.getCommandLine() == cl ? "" : ex.getCommandLine().getCommandName()
                        + " ") + "--help'.");
            }
            err.flush();
            return ExitCode.USAGE.code();
        });
        cl.setExecutionExceptionHandler((ex, commandLine, parseResult) -> {
            ExitCode code = ExitCode.of(ex);
            report(main, out, err, code == ExitCode.INTERRUPTED ? "interrupted; nothing was committed by "
                    + "this run (run it again to resume)" : message(ex), code);
            if (main.global.verbose) {
                ex.printStackTrace(err);
            }
            err.flush();
            return code.code();
        });
        int code = cl.execute(args);
        out.flush();
        err.flush();
        return code;
    }

    private static String message(Throwable ex) {
        String m = ex.getMessage();
        if (m == null || m.isBlank()) {
            m = ex.getClass().getSimpleName();
        }
        return m;
    }

    private static void report(Main main, PrintWriter out, PrintWriter err, String message, ExitCode code) {
        err.println("karchive: " + message);
        if (main.global.json) {
            Map<String, Object> doc = new LinkedHashMap<>();
            doc.put("error", message);
            doc.put("exitCode", code.code());
            try {
                out.println(Json.MAPPER.writeValueAsString(doc));
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                throw new IllegalStateException(e);
            }
            out.flush();
        }
    }

    /** --version: tool, format and Java versions. */
    public static final class VersionProvider implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {
                "karchive " + Version.VERSION,
                "repository format " + org.karchive.app.repo.Repository.FORMAT_VERSION + ", manifest format "
                    + ManifestHeader.VERSION,
                "Java " + System.getProperty("java.version") + " (" + System.getProperty("java.vendor") + ")"
            };
        }
    }
}

package org.karchive.app.cli;

import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/** Options every command accepts, before or after the command name. */
public final class GlobalOptions {
    @Option(names = "--json", scope = ScopeType.INHERIT,
            description = "Print one JSON document on stdout and nothing else there.")
    public boolean json;

    @Option(names = {"-q", "--quiet"}, scope = ScopeType.INHERIT, description = "Print only errors.")
    public boolean quiet;

    public boolean verbose;

    /** --verbose also turns on the store's request log: one stderr line per retried request. */
    @Option(names = {"-v", "--verbose"}, scope = ScopeType.INHERIT, description = "Print diagnostics on stderr"
            + " (including every retried request: operation, key, status or exception, attempt).")
    void verbose(boolean on) {
        verbose = on;
        if (on) {
            // slf4j-simple reads a logger's level when the logger is first created, after parsing
            System.setProperty("org.slf4j.simpleLogger.log.org.karchive.store", "debug");
        }
    }

    @Option(names = "--no-progress", scope = ScopeType.INHERIT, description = "Never show progress.")
    public boolean noProgress;

    @Option(names = "--limit-upload", scope = ScopeType.INHERIT, paramLabel = "RATE", converter = Sizes.Rate.class,
            description = "Upload bandwidth limit, e.g. 50MiB/s (default: none).")
    public long limitUpload;

    @Option(names = "--limit-download", scope = ScopeType.INHERIT, paramLabel = "RATE", converter = Sizes.Rate.class,
            description = "Download bandwidth limit, e.g. 100MiB/s (default: none).")
    public long limitDownload;

    @Option(names = "--repo", scope = ScopeType.INHERIT, paramLabel = "URL",
            description = "Repository: file:///abs/path or s3://bucket/prefix (env KARCHIVE_REPO).")
    public String repo;

    @Option(names = "--config", scope = ScopeType.INHERIT, paramLabel = "FILE",
            description = "Options file (default ~/.config/karchive/config.properties; env KARCHIVE_CONFIG). "
                    + "Every option can also come from KARCHIVE_<OPTION> in the environment.")
    public java.nio.file.Path config;
}

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

    @Option(names = "--repo", scope = ScopeType.INHERIT, paramLabel = "URL",
            defaultValue = "${env:KARCHIVE_REPO}",
            description = "Repository: file:///abs/path or s3://bucket/prefix (env KARCHIVE_REPO).")
    public String repo;
}

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

    @Option(names = "--identity", scope = ScopeType.INHERIT, paramLabel = "FILE",
            description = "age identity file (AGE-SECRET-KEY-1... lines, as age-keygen writes) to read an encrypted "
                    + "repository with (repeatable; env KARCHIVE_IDENTITY).")
    public java.util.List<java.nio.file.Path> identities = new java.util.ArrayList<>();

    @Option(names = "--passphrase-file", scope = ScopeType.INHERIT, paramLabel = "FILE",
            description = "File whose first line is the passphrase of a passphrase-protected repository (to create "
                    + "one with archive, or to read one).")
    public java.nio.file.Path passphraseFile;

    @Option(names = "--hmac-key-file", scope = ScopeType.INHERIT, paramLabel = "FILE",
            description = "Secret key kept off the bucket: archive stores the HMAC-SHA256 of the snapshot index "
                    + "(snapshots/<id>.json.hmac); restore, verify and ls refuse an index whose HMAC is missing or "
                    + "wrong (exit 4).")
    public java.nio.file.Path hmacKeyFile;
}

package org.karchive.app.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.karchive.app.ExitCode;
import org.karchive.app.UsageException;
import org.karchive.app.crypt.Keys;
import org.karchive.app.kaapana.KaapanaDirs;
import org.karchive.app.kaapana.Preflight;
import org.karchive.app.ops.ArchiveOperation;
import org.karchive.app.repo.Repository;
import org.karchive.app.repo.SnapshotIndex;
import org.karchive.format.Archiver;
import org.karchive.store.ObjectStore;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "archive", mixinStandardHelpOptions = true,
        description = "Archive directory trees into a new snapshot.")
public final class ArchiveCommand extends BaseCommand {
    @Parameters(paramLabel = "PATH", arity = "0..*",
            description = "Trees to archive (stored under their absolute path); not with --kaapana.")
    List<Path> paths = new ArrayList<>();

    @Option(names = "--kaapana",
            description = "Archive Kaapana's FAST_DATA_DIR and SLOW_DATA_DIR (options, environment, or "
                    + KaapanaDirs.DEFAULT + "), refusing while the platform runs.")
    boolean kaapana;

    @Option(names = "--fast-data-dir", paramLabel = "DIR",
            description = "With --kaapana: the fast data dir (default $FAST_DATA_DIR, else "
                    + KaapanaDirs.DEFAULT + ").")
    Path fastDataDir;

    @Option(names = "--slow-data-dir", paramLabel = "DIR",
            description = "With --kaapana: the slow data dir (default $SLOW_DATA_DIR, else "
                    + KaapanaDirs.DEFAULT + ").")
    Path slowDataDir;

    @Option(names = "--allow-hot",
            description = "With --kaapana: archive even though PostgreSQL or Kaapana pods run (recorded as hot).")
    boolean allowHot;

    @Option(names = "--chunk-size", paramLabel = "SIZE", defaultValue = "128MiB", converter = Sizes.class,
            description = "Target size of a chunk in tar bytes (default ${DEFAULT-VALUE}).")
    long chunkSize;

    @Option(names = "--frame-size", paramLabel = "SIZE", defaultValue = "2MiB", converter = Sizes.class,
            description = "Tar bytes per zstd frame, the unit of partial reads (default ${DEFAULT-VALUE}).")
    long frameSize;

    @Option(names = "--level", defaultValue = "3", description = "zstd level 1-19 (default ${DEFAULT-VALUE}).")
    int level;

    @Option(names = "--exclude", paramLabel = "GLOB",
            description = "Leave out matching paths; a pattern without '/' matches names, else whole paths.")
    List<String> excludes = new ArrayList<>();

    @Option(names = "--exclude-file", paramLabel = "FILE",
            description = "Read --exclude patterns from FILE, one per line ('#' starts a comment).")
    List<Path> excludeFiles = new ArrayList<>();

    @Option(names = "--exclude-caches",
            description = "Leave out the contents of directories holding a valid CACHEDIR.TAG (the tag is kept).")
    boolean excludeCaches;

    @Option(names = "--dry-run", description = "Only walk: show what would be archived and read; write nothing.")
    boolean dryRun;

    @Option(names = "--full", description = "Read every file even when a parent snapshot has it unchanged.")
    boolean full;

    @Option(names = "--parent", paramLabel = "SNAPSHOT",
            description = "Compare against this snapshot (default: newest with the same paths and host).")
    String parent;

    @Option(names = "--tag", paramLabel = "K=V", description = "Record a tag in the snapshot.")
    Map<String, String> tags = new LinkedHashMap<>();

    @Option(names = "--encrypt-to", paramLabel = "RECIPIENT", split = ",",
            description = "Encrypt with age to this X25519 recipient (age1...), or to every recipient in this file "
                    + "(repeatable). The first archive makes the repository encrypted; an encrypted repository "
                    + "accepts only encrypted snapshots.")
    List<String> encryptTo = new ArrayList<>();

    @Override
    public Integer call() throws Exception {
        SnapshotIndex.Kaapana kaapanaInfo = null;
        List<Path> given = paths;
        if (kaapana) {
            if (!paths.isEmpty()) {
                throw new UsageException("--kaapana archives the Kaapana data dirs; do not name PATHs as well");
            }
            KaapanaDirs dirs = KaapanaDirs.resolve(fastDataDir, slowDataDir, System.getenv());
            for (Path d : dirs.roots()) {
                if (!Files.isDirectory(d)) {
                    throw new UsageException("Kaapana data dir " + d + " is not a directory (set --fast-data-dir/"
                            + "--slow-data-dir or FAST_DATA_DIR/SLOW_DATA_DIR)");
                }
            }
            kaapanaInfo = kaapanaPreflight(dirs);
            given = dirs.roots();
        } else if (paths.isEmpty()) {
            throw new UsageException("name at least one PATH to archive, or --kaapana");
        } else if (fastDataDir != null || slowDataDir != null || allowHot) {
            throw new UsageException("--fast-data-dir, --slow-data-dir and --allow-hot need --kaapana");
        }
        List<Path> roots = ArchiveOperation.normaliseRoots(given);
        for (Path r : roots) {
            if (!Files.exists(r)) {
                throw new UsageException("no such file or directory: " + r);
            }
            if (!Files.isDirectory(r) && !Files.isRegularFile(r) && !Files.isSymbolicLink(r)) {
                throw new UsageException("not a directory or file: " + r);
            }
        }
        if (frameSize > Integer.MAX_VALUE) {
            throw new UsageException("--frame-size too large");
        }
        Archiver.Options opts;
        try {
            opts = Archiver.Options.defaults().withChunkSize(chunkSize).withFrameSize((int) frameSize)
                    .withLevel(level);
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
        List<String> patterns = new ArrayList<>(excludes);
        for (Path f : excludeFiles) {
            for (String line : Files.readAllLines(f)) {
                String t = line.strip();
                if (!t.isEmpty() && !t.startsWith("#")) {
                    patterns.add(t);
                }
            }
        }
        Predicate<String> excluded = excluder(patterns);
        if (excludeCaches) {
            excluded = excluded.or(new CacheDirs());
        }
        Output out = output();
        if (dryRun) {
            return dryRun(roots, excluded);
        }
        if (global().repo != null && global().repo.startsWith("s3://")) {
            S3Options.checkUploadMemory(main.s3().config(), Runtime.getRuntime().maxMemory());
        }
        try (ObjectStore store = openStore(); Progress progress = new Progress(global(), "archive")) {
            Repository repo = Repository.openOrCreate(store, keys(encryptTo));
            byte[] hmacKey = global().hmacKeyFile == null ? null : Keys.hmacKey(global().hmacKeyFile);
            ArchiveOperation.Report rep = new ArchiveOperation(repo, opts, new ArchiveOperation.Listener() {
                @Override
                public void started(long estimatedBytes) {
                    progress.begin(estimatedBytes);
                }

                @Override
                public void fileDone(String path, long bytes) {
                    progress.step(bytes, path);
                }

                @Override
                public void skipped(String path, String reason) {
                    out.warn("/" + path + ": " + reason);
                }

                @Override
                public void resuming(String runId, int chunks) {
                    out.warn("resuming interrupted run " + runId + ": reusing " + chunks + " uploaded chunk(s)");
                }

                @Override
                public void note(String text) {
                    out.message("note: " + text);
                }
            }).withHmacKey(hmacKey).run(roots, excluded, tags, full, parent, kaapanaInfo);
            Archiver.Result r = rep.result();
            Map<String, Object> doc = new LinkedHashMap<>();
            doc.put("snapshot", rep.snapshot());
            doc.put("files", r.files());
            doc.put("dirs", r.dirs());
            doc.put("symlinks", r.symlinks());
            doc.put("hardlinks", r.hardlinks());
            doc.put("bytes", r.bytes());
            doc.put("storedBytes", rep.storedBytes());
            doc.put("newBytes", r.newBytes());
            doc.put("parent", rep.parent());
            doc.put("chunks", r.chunks().size());
            doc.put("manifestSha256", rep.manifestSha256());
            doc.put("indexSha256", rep.indexSha256());
            doc.put("encrypted", repo.encrypted());
            if (hmacKey != null) {
                doc.put("hmac", org.karchive.app.repo.Repository.hmacKey(rep.snapshot()));
            }
            if (!rep.notes().isEmpty()) {
                doc.put("notes", rep.notes());
            }
            List<Map<String, String>> skipped = new ArrayList<>();
            for (Archiver.Skipped s : r.skipped()) {
                skipped.add(Map.of("path", "/" + s.path(), "reason", s.reason()));
            }
            doc.put("skipped", skipped);
            doc.put("skippedCount", r.skippedCount());
            if (kaapanaInfo != null) {
                doc.put("kaapana", kaapanaInfo);
            }
            StringBuilder text = new StringBuilder();
            text.append(String.format("snapshot %s saved: %d files, %d dirs, %s (%s new), %s stored in %d new chunks%s%n",
                    rep.snapshot(), r.files(), r.dirs(), Sizes.human(r.bytes()), Sizes.human(r.newBytes()),
                    Sizes.human(rep.storedBytes()), r.chunks().size(),
                    rep.parent() == null ? "" : " (parent " + rep.parent() + ")"));
            text.append("index sha256 ").append(rep.indexSha256()).append('\n');
            if (r.skippedCount() > 0) {
                text.append(r.skippedCount()).append(" path(s) skipped or inconsistent (listed above)\n");
            }
            out.result(doc, text.toString());
            return r.skippedCount() > 0 ? ExitCode.PARTIAL.code() : ExitCode.OK.code();
        }
    }

    private int dryRun(List<Path> roots, Predicate<String> excluded) throws Exception {
        String url = global().repo;
        boolean missingLocal = url != null && url.startsWith("file:")
                && !Files.exists(Path.of(java.net.URI.create(url).getPath()));
        try (ObjectStore store = missingLocal ? null : openStore()) {
            Repository repo = null; // without a repository everything would be read
            if (store != null) {
                try {
                    repo = Repository.open(store, keys(encryptTo));
                } catch (org.karchive.app.repo.RepositoryException e) {
                    repo = null;
                }
            }
            ArchiveOperation.Plan plan = new ArchiveOperation(repo, Archiver.Options.defaults(),
                    new ArchiveOperation.Listener() {
                        @Override
                        public void skipped(String path, String reason) {
                        }
                    }).plan(roots, excluded, full, parent);
            Map<String, Object> doc = new LinkedHashMap<>();
            doc.put("dryRun", true);
            doc.put("parent", plan.parent());
            doc.put("files", plan.files());
            doc.put("dirs", plan.dirs());
            doc.put("symlinks", plan.symlinks());
            doc.put("bytes", plan.bytes());
            doc.put("filesToRead", plan.filesToRead());
            doc.put("bytesToRead", plan.bytesToRead());
            List<Map<String, String>> skipped = new ArrayList<>();
            for (Archiver.Skipped s : plan.skipped()) {
                skipped.add(Map.of("path", "/" + s.path(), "reason", s.reason()));
            }
            doc.put("skipped", skipped);
            output().result(doc, String.format("would archive %d files, %d dirs, %d symlinks, %s; would read %d files"
                            + " (%s)%s; %d path(s) would be skipped", plan.files(), plan.dirs(), plan.symlinks(),
                    Sizes.human(plan.bytes()), plan.filesToRead(), Sizes.human(plan.bytesToRead()),
                    plan.parent() == null ? "" : ", the rest unchanged since " + plan.parent(), skipped.size()));
            return 0;
        }
    }

    /** Excludes what lies in a directory holding a valid CACHEDIR.TAG, except the tag itself. */
    static final class CacheDirs implements Predicate<String> {
        static final String SIGNATURE = "Signature: 8a477f597d28d172789f06886806bc55";
        private String lastDir;
        private boolean lastTagged;

        @Override
        public boolean test(String stored) {
            int slash = stored.lastIndexOf('/');
            String dir = slash < 0 ? "" : stored.substring(0, slash);
            if (stored.substring(slash + 1).equals("CACHEDIR.TAG")) {
                return false;
            }
            if (!dir.equals(lastDir)) {
                lastDir = dir;
                lastTagged = tagged(Path.of("/" + dir, "CACHEDIR.TAG"));
            }
            return lastTagged;
        }

        private static boolean tagged(Path tag) {
            try (java.io.InputStream in = Files.newInputStream(tag, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                byte[] head = in.readNBytes(SIGNATURE.length());
                return new String(head, java.nio.charset.StandardCharsets.US_ASCII).equals(SIGNATURE);
            } catch (java.io.IOException e) {
                return false;
            }
        }
    }

    /** Runs the preflight (a refusal unless --allow-hot) and returns what the snapshot records. */
    private SnapshotIndex.Kaapana kaapanaPreflight(KaapanaDirs dirs) throws Exception {
        Output out = output();
        Preflight preflight = new Preflight(out::verbose);
        if (allowHot) {
            for (String reason : preflight.findSignsOfLife(dirs)) {
                out.warn("--allow-hot: " + reason + "; the snapshot is marked hot and its databases may be "
                        + "inconsistent");
            }
        } else {
            preflight.requireCold(dirs);
        }
        String version = dirs.version();
        out.verbose("Kaapana data dirs: fast " + dirs.fast() + ", slow " + dirs.slow() + "; version "
                + (version == null ? "unknown (no " + dirs.fast().resolve("version") + ")" : version));
        return new SnapshotIndex.Kaapana(dirs.fast().toString(), dirs.slow().toString(), version, allowHot);
    }

    static Predicate<String> excluder(List<String> globs) {
        return org.karchive.app.ops.Globs.matcher(globs);
    }
}

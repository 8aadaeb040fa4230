package org.karchive.app.ops;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.karchive.app.Version;
import org.karchive.app.repo.Repository;
import org.karchive.app.repo.SnapshotIndex;
import org.karchive.format.Archiver;
import org.karchive.format.ChunkSink;
import org.karchive.format.FormatException;
import org.karchive.format.ManifestReader;
import org.karchive.format.ManifestRecord;
import org.karchive.format.ManifestWriter;
import org.karchive.format.ReuseSource;
import org.karchive.format.TreeWalker;
import org.karchive.store.ObjectWriter;
import org.karchive.store.StoredObject;

/** Archives source roots into a new snapshot: chunks and manifest first, the index last. */
public final class ArchiveOperation {

    /** What a run produced, for the renderers. */
    public record Report(String snapshot, Archiver.Result result, long storedBytes, String manifestSha256,
                         String indexSha256, String parent, List<String> notes) {
    }

    /** Archive events for the command line. */
    public interface Listener extends Archiver.Listener {
        /** The run starts; {@code estimatedBytes} is the parent's size, or -1 without a parent. */
        default void started(long estimatedBytes) {
        }

        /** An interrupted run is being resumed; its committed chunks will be reused. */
        default void resuming(String runId, int chunks) {
        }

        /** Something the user should know about this run (also in the report). */
        default void note(String text) {
        }
    }

    /** Why an encrypted repository without a key to read with gets a full archive. */
    static final String NO_IDENTITY_NOTE = "the repository is encrypted and no --identity or --passphrase-file was "
            + "given: the parent snapshot and interrupted runs cannot be read, so this is a full archive (every file "
            + "is read and uploaded)";

    private final Repository repo;
    private final Archiver.Options options;
    private final Listener listener;
    private byte[] hmacKey;

    public ArchiveOperation(Repository repo, Archiver.Options options, Listener listener) {
        this.repo = repo;
        this.options = options;
        this.listener = listener;
    }

    /** Also writes the HMAC-SHA256 of the index with this key (kept off the bucket); null: none. */
    public ArchiveOperation withHmacKey(byte[] key) {
        this.hmacKey = key;
        return this;
    }

    /**
     * Archives {@code roots}. Unless {@code full}, files unchanged since the parent snapshot (the
     * given one, or the newest with the same paths and host) keep their chunk references.
     */
    public Report run(List<Path> roots, Predicate<String> excluded, Map<String, String> tags, boolean full,
                      String parentArg) throws IOException {
        return run(roots, excluded, tags, full, parentArg, null);
    }

    /** As above, recording {@code kaapana} (may be null) in the snapshot index. */
    public Report run(List<Path> roots, Predicate<String> excluded, Map<String, String> tags, boolean full,
                      String parentArg, SnapshotIndex.Kaapana kaapana) throws IOException {
        Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        String id = Repository.newSnapshotId(now);
        List<String> paths = roots.stream().map(Path::toString).toList();
        String host = hostname();
        List<String> notes = new ArrayList<>();
        boolean readable = repo.canRead();
        if (!readable && !full) {
            if (parentArg != null) {
                throw new org.karchive.app.crypt.KeyException("--parent needs --identity or --passphrase-file: "
                        + "the repository is encrypted");
            }
            if (!repo.snapshotIds().isEmpty() || !repo.store().list("runs/").isEmpty()) {
                notes.add(NO_IDENTITY_NOTE);
                listener.note(NO_IDENTITY_NOTE);
            }
        }
        SnapshotIndex parent = full || !readable ? null : findParent(paths, host, parentArg);
        Map<String, SnapshotIndex.ObjectRef> parentChunks = new java.util.HashMap<>();
        if (parent != null) {
            for (SnapshotIndex.ObjectRef c : parent.chunks()) {
                parentChunks.put(c.key(), c);
            }
        }
        java.util.TreeSet<String> reusedChunks = new java.util.TreeSet<>();
        Archiver.Listener tracking = new Archiver.Listener() {
            @Override
            public void skipped(String path, String reason) {
                listener.skipped(path, reason);
            }

            @Override
            public void fileDone(String path, long bytes) {
                listener.fileDone(path, bytes);
            }

            @Override
            public void chunkStored(ChunkSink.StoredChunk chunk) {
                listener.chunkStored(chunk);
            }

            @Override
            public void reused(String path, String chunkKey, long bytes) {
                reusedChunks.add(chunkKey);
                listener.reused(path, chunkKey, bytes);
            }
        };
        listener.started(parent == null ? -1 : parent.totals().bytes());
        RunJournal.Resumable resumable = readable ? RunJournal.findResumable(repo.objects(), paths, host) : null;
        Map<String, SnapshotIndex.ObjectRef> knownChunks = new java.util.HashMap<>(parentChunks);
        List<ReuseSource> reuse = new ArrayList<>();
        if (resumable != null) {
            RunJournal.abortPending(repo.objects(), resumable);
            for (RunJournal.Done d : resumable.chunks()) {
                knownChunks.put(d.key(), new SnapshotIndex.ObjectRef(d.key(), d.size(), d.sha256()));
            }
            reuse.add(resumable.records(repo.objects()));
            listener.resuming(resumable.run().id(), resumable.chunks().size());
        }
        ObjectWriter manifestOut = repo.objects().create(Repository.manifestKey(id));
        Archiver.Result result;
        StoredObject manifest;
        RunJournal journal;
        try {
            journal = RunJournal.start(repo.objects(), id, paths, host);
        } catch (IOException | RuntimeException e) {
            manifestOut.abort();
            throw e;
        }
        try (journal; ManifestReader parentRecords = parent == null ? null
                : RestoreOperation.openManifest(repo, parent)) {
            ManifestWriter mw = new ManifestWriter(manifestOut, id, 3);
            RunJournal.Tee tee = new RunJournal.Tee(mw);
            if (parentRecords != null) {
                reuse.add(parentRecords::read);
            }
            result = new Archiver(options, tracking).run(roots, excluded, journal.sink(repo.chunkSink(id), tee), tee,
                    reuse, 0);
            mw.finish();
            manifest = manifestOut.commit();
        } catch (IOException | RuntimeException | Error e) {
            journal.failed();
            throw e;
        } finally {
            manifestOut.abort();
        }
        long stored = manifest.size();
        List<SnapshotIndex.ObjectRef> chunks = new ArrayList<>();
        for (String key : reusedChunks) {
            SnapshotIndex.ObjectRef ref = knownChunks.get(key);
            if (ref == null) {
                throw new FormatException("an earlier snapshot references chunk " + key
                        + " that its index does not list");
            }
            if (repo.store().stat(key).isEmpty()) {
                throw new org.karchive.app.repo.RepositoryException("chunk " + key + " of an earlier snapshot "
                        + "vanished while archiving (a concurrent prune?); run archive again with --full");
            }
            chunks.add(ref);
        }
        for (ChunkSink.StoredChunk c : result.chunks()) {
            chunks.add(new SnapshotIndex.ObjectRef(c.key(), c.size(), c.sha256()));
            stored += c.size();
        }
        SnapshotIndex idx = new SnapshotIndex(SnapshotIndex.MAGIC, SnapshotIndex.VERSION, id, now.toString(),
                host, "karchive " + Version.VERSION, paths, parent == null ? null : parent.id(), tags,
                new SnapshotIndex.Totals(result.files(), result.dirs(), result.symlinks(), result.hardlinks(),
                        result.bytes(), result.newBytes(), stored, result.records(), result.skippedCount()),
                new SnapshotIndex.ObjectRef(manifest.key(), manifest.size(), manifest.sha256()), chunks, kaapana);
        String indexSha256 = repo.commitIndex(idx, hmacKey);
        journal.finished();
        if (resumable != null) {
            RunJournal.retire(repo.objects(), resumable);
        }
        return new Report(id, result, stored, manifest.sha256(), indexSha256, idx.parent(), List.copyOf(notes));
    }

    /** What an archive would do, from a walk alone: nothing is read or written. */
    public record Plan(String parent, long files, long dirs, long symlinks, long bytes, long filesToRead,
                       long bytesToRead, List<Archiver.Skipped> skipped) {
    }

    /** --dry-run: walks the trees and compares with the parent, reading no file and writing nothing. */
    public Plan plan(List<Path> roots, Predicate<String> excluded, boolean full, String parentArg)
            throws IOException {
        List<String> paths = roots.stream().map(Path::toString).toList();
        SnapshotIndex parent = full || repo == null || !repo.canRead() ? null
                : findParent(paths, hostname(), parentArg);
        long[] n = new long[6];
        List<Archiver.Skipped> skipped = new ArrayList<>();
        try (ManifestReader parentRecords = parent == null ? null : RestoreOperation.openManifest(repo, parent)) {
            ReuseSource.Cursor cursor = new ReuseSource.Cursor(parentRecords == null ? ReuseSource.NONE
                    : parentRecords::read);
            new TreeWalker(roots, excluded, (path, reason) -> {
                if (skipped.size() < 10_000) {
                    skipped.add(new Archiver.Skipped(path, reason));
                }
            }).walk(e -> {
                switch (e.kind()) {
                    case DIR -> n[1]++;
                    case SYMLINK -> n[2]++;
                    default -> {
                        n[0]++;
                        n[3] += e.size();
                        ManifestRecord earlier = cursor.find(e.path());
                        if (earlier == null || !ReuseSource.unchanged(e, earlier)) {
                            n[4]++;
                            n[5] += e.size();
                        }
                    }
                }
            });
        }
        return new Plan(parent == null ? null : parent.id(), n[0], n[1], n[2], n[3], n[4], n[5], skipped);
    }

    /** The explicit parent, or the newest snapshot with the same paths and host; null if none. */
    private SnapshotIndex findParent(List<String> paths, String host, String parentArg) throws IOException {
        if (parentArg != null) {
            return repo.readIndex(repo.resolve(parentArg));
        }
        List<String> ids = repo.snapshotIds();
        for (int i = ids.size() - 1; i >= 0; i--) {
            SnapshotIndex idx = repo.readIndex(ids.get(i));
            if (idx.paths().equals(paths) && host.equals(idx.host())) {
                return idx;
            }
        }
        return null;
    }

    static String hostname() {
        String h = System.getenv("HOSTNAME");
        if (h != null && !h.isBlank()) {
            return h;
        }
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return "unknown";
        }
    }

    /** The stored form of the roots: absolute, normalised, sorted, without roots nested in others. */
    public static List<Path> normaliseRoots(List<Path> given) {
        List<Path> abs = new ArrayList<>();
        for (Path p : given) {
            abs.add(p.toAbsolutePath().normalize());
        }
        abs.sort((a, b) -> org.karchive.format.PathOrder.compare(TreeWalker.stored(a), TreeWalker.stored(b)));
        List<Path> out = new ArrayList<>();
        for (Path p : abs) {
            if (out.stream().noneMatch(p::startsWith)) {
                out.add(p);
            }
        }
        return out;
    }
}

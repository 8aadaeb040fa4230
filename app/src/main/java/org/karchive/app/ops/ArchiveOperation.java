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
import org.karchive.format.ManifestWriter;
import org.karchive.format.TreeWalker;
import org.karchive.store.ObjectWriter;
import org.karchive.store.StoredObject;

/** Archives source roots into a new snapshot: chunks and manifest first, the index last. */
public final class ArchiveOperation {

    /** What a run produced, for the renderers. */
    public record Report(String snapshot, Archiver.Result result, long storedBytes, String manifestSha256,
                         String indexSha256) {
    }

    private final Repository repo;
    private final Archiver.Options options;
    private final Archiver.Listener listener;

    public ArchiveOperation(Repository repo, Archiver.Options options, Archiver.Listener listener) {
        this.repo = repo;
        this.options = options;
        this.listener = listener;
    }

    public Report run(List<Path> roots, Predicate<String> excluded, Map<String, String> tags) throws IOException {
        Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        String id = Repository.newSnapshotId(now);
        ObjectWriter manifestOut = repo.store().create(Repository.manifestKey(id));
        Archiver.Result result;
        StoredObject manifest;
        try {
            ManifestWriter mw = new ManifestWriter(manifestOut, id, 3);
            result = new Archiver(options, listener).run(roots, excluded, repo.chunkSink(id), mw);
            mw.finish();
            manifest = manifestOut.commit();
        } finally {
            manifestOut.abort();
        }
        long stored = manifest.size();
        List<SnapshotIndex.ObjectRef> chunks = new ArrayList<>();
        for (ChunkSink.StoredChunk c : result.chunks()) {
            chunks.add(new SnapshotIndex.ObjectRef(c.key(), c.size(), c.sha256()));
            stored += c.size();
        }
        List<String> paths = roots.stream().map(Path::toString).toList();
        SnapshotIndex idx = new SnapshotIndex(SnapshotIndex.MAGIC, SnapshotIndex.VERSION, id, now.toString(),
                hostname(), "karchive " + Version.VERSION, paths, null, tags,
                new SnapshotIndex.Totals(result.files(), result.dirs(), result.symlinks(), result.hardlinks(),
                        result.bytes(), result.newBytes(), stored, result.records(), result.skippedCount()),
                new SnapshotIndex.ObjectRef(manifest.key(), manifest.size(), manifest.sha256()), chunks);
        StoredObject index = repo.writeIndex(idx);
        return new Report(id, result, stored, manifest.sha256(), index.sha256());
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

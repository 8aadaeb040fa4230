package org.karchive.app.ops;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.karchive.app.repo.IndexAnchor;
import org.karchive.app.repo.Repository;
import org.karchive.app.repo.SnapshotIndex;
import org.karchive.format.EntryType;
import org.karchive.format.Extractor;
import org.karchive.format.FormatException;
import org.karchive.format.IntegrityException;
import org.karchive.format.ManifestReader;
import org.karchive.format.ManifestRecord;
import org.karchive.format.RestoreConflictException;
import org.karchive.format.SafePaths;
import org.karchive.format.Sha256;

/**
 * Restores a snapshot: one validating pass over the manifest (trailer, paths, chunks known to the
 * index, conflicts with what exists) before anything is written, then extraction in manifest order.
 */
public final class RestoreOperation {

    /** Totals of a restore. */
    public record Report(String snapshot, long files, long bytes, long entries) {
    }

    /** A plan from the validating pass. */
    record Plan(long entries, long files, long bytes, Set<String> linkTargets, List<String> conflicts) {
    }

    /** Read-ahead buffer of a full restore (two of them per open chunk stream). */
    static final int READ_AHEAD = 1 << 20;

    private final Repository repo;
    private final Extractor.Options options;
    private final Extractor.Listener listener;
    private final Extractor.PathMapper mapper;
    private final boolean dryRun;
    private final IndexAnchor anchor;

    public RestoreOperation(Repository repo, Extractor.Options options, Extractor.Listener listener) {
        this(repo, options, listener, Extractor.PathMapper.IDENTITY, false, IndexAnchor.NONE);
    }

    private RestoreOperation(Repository repo, Extractor.Options options, Extractor.Listener listener,
                             Extractor.PathMapper mapper, boolean dryRun, IndexAnchor anchor) {
        this.repo = repo;
        this.options = options;
        this.listener = listener;
        this.mapper = mapper;
        this.dryRun = dryRun;
        this.anchor = anchor;
    }

    /** The same restore, writing each stored path where {@code m} says (null: unchanged). */
    public RestoreOperation withMapper(Extractor.PathMapper m) {
        return new RestoreOperation(repo, options, listener, m == null ? Extractor.PathMapper.IDENTITY : m, dryRun,
                anchor);
    }

    /** The same restore that only validates and counts (conflicts included) and writes nothing. */
    public RestoreOperation withDryRun(boolean v) {
        return new RestoreOperation(repo, options, listener, mapper, v, anchor);
    }

    /** The same restore, refusing a snapshot whose index does not match {@code a} before anything is written. */
    public RestoreOperation withAnchor(IndexAnchor a) {
        return new RestoreOperation(repo, options, listener, mapper, dryRun, a);
    }

    public Report run(String snapshotArg, Path target, Selection selection) throws IOException {
        String id = repo.resolve(snapshotArg);
        SnapshotIndex idx = repo.readIndex(id, anchor);
        Path root = target.toAbsolutePath().normalize();
        Plan plan = plan(idx, root, selection);
        if (plan.entries() == 0) {
            throw new org.karchive.app.UsageException("nothing in snapshot " + id + " matches "
                    + selection.prefixes());
        }
        if (!plan.conflicts().isEmpty()) {
            throw new RestoreConflictException(plan.conflicts().get(0), plan.conflicts().size() - 1);
        }
        if (dryRun) {
            return new Report(id, plan.files(), plan.bytes(), plan.entries());
        }
        Extractor.Scope scope = scope(id, selection);
        // a full restore reads whole chunks: fetch and decompress one buffer ahead of the extractor
        org.karchive.format.ChunkSource chunks = selection.all()
                ? org.karchive.format.ChunkSource.readingAhead(repo.chunkSource(idx), READ_AHEAD) : repo.chunkSource(idx);
        try (Extractor ex = new Extractor(root, options, chunks, plan.linkTargets(), listener, scope, mapper);
             ManifestReader mr = openManifest(repo, idx)) {
            ManifestRecord r;
            while ((r = mr.read()) != null) {
                if (selection.includes(r.path())) {
                    try {
                        ex.restore(r);
                    } catch (IOException e) {
                        throw withPath(e, root.resolve(r.path()));
                    }
                }
            }
            ex.finish();
            if (ex.entries() != plan.entries() || ex.files() != plan.files() || ex.bytes() != plan.bytes()) {
                throw new FormatException("snapshot " + id + ": restored " + ex.entries() + " entries, "
                        + ex.files() + " files, " + ex.bytes() + " bytes, but the manifest lists " + plan.entries()
                        + ", " + plan.files() + ", " + plan.bytes());
            }
            return new Report(id, ex.files(), ex.bytes(), plan.entries());
        }
    }

    /**
     * Chunks this snapshot wrote hold exactly the entries of its manifest (FORMAT.md), so any
     * selected entry there that the manifest does not list is refused, and a full restore reads
     * them to their end. Chunks of older snapshots may hold entries this one dropped.
     */
    static Extractor.Scope scope(String id, Selection selection) {
        String own = "chunks/" + id + "/";
        return new Extractor.Scope() {
            @Override
            public boolean maySkip(String chunk, String path) {
                return !(chunk.startsWith(own) && selection.includes(path));
            }

            @Override
            public boolean checkEnd(String chunk) {
                return selection.all() && chunk.startsWith(own);
            }
        };
    }

    /**
     * A local write failure (a full disk: "No space left on device") names no file: add the path
     * being restored. Failures of other kinds (damaged data, the store, an interruption) are
     * subclasses and pass unchanged.
     */
    private static IOException withPath(IOException e, Path path) {
        if (e.getClass() != IOException.class) {
            return e;
        }
        return new IOException("restoring " + path + " failed: " + e.getMessage()
                + " (nothing incomplete is left under that name)", e);
    }

    private Plan plan(SnapshotIndex idx, Path root, Selection selection) throws IOException {
        Set<String> chunks = new HashSet<>();
        for (SnapshotIndex.ObjectRef c : idx.chunks()) {
            chunks.add(c.key());
        }
        Set<String> linkTargets = new HashSet<>();
        List<String> conflicts = new ArrayList<>();
        AbsentPaths absent = new AbsentPaths();
        long entries = 0;
        long files = 0;
        long bytes = 0;
        try (ManifestReader mr = openManifest(repo, idx)) {
            ManifestRecord r;
            while ((r = mr.read()) != null) {
                if (!chunks.contains(r.chunk())) {
                    throw new FormatException("manifest entry " + SafePaths.printable(r.path()) + " names chunk "
                            + r.chunk() + ", which the snapshot index does not list");
                }
                if (!selection.includes(r.path())) {
                    continue;
                }
                entries++;
                if (r.type() == EntryType.FILE) {
                    files++;
                    bytes += r.size();
                }
                if (r.type() == EntryType.HARDLINK) {
                    if (!selection.includes(r.link())) {
                        throw new FormatException("hard link " + SafePaths.printable(r.path()) + " points at "
                                + SafePaths.printable(r.link()) + ", outside the selected paths; add it with --path");
                    }
                    linkTargets.add(r.link());
                }
                String mapped = SafePaths.check(mapper.map(r.path()));
                if (!options.overwrite() && conflicts.size() < 20) {
                    BasicFileAttributes a = absent.covers(mapped) ? null : lstat(root.resolve(mapped));
                    if (a == null) {
                        absent.add(mapped);
                    } else if (!(r.type() == EntryType.DIR && a.isDirectory())) {
                        conflicts.add(mapped);
                    }
                }
            }
        }
        return new Plan(entries, files, bytes, linkTargets, conflicts);
    }

    /**
     * Paths found missing during the conflict check: nothing below a missing directory can exist,
     * so a restore into a new or sparse target skips most lstat calls (each failed one costs an
     * exception). Records arrive in path order, so parents are seen before their children.
     */
    static final class AbsentPaths {
        private final Set<String> missing = new HashSet<>();

        boolean covers(String path) {
            for (int i = path.lastIndexOf('/'); i > 0; i = path.lastIndexOf('/', i - 1)) {
                if (missing.contains(path.substring(0, i))) {
                    return true;
                }
            }
            return false;
        }

        void add(String path) {
            if (!covers(path)) {
                missing.add(path);
            }
        }
    }

    private static BasicFileAttributes lstat(Path p) {
        try {
            return Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        } catch (IOException e) {
            return null;
        }
    }

    /**
     * Opens a snapshot's manifest, checking its stored bytes (ciphertext in an encrypted
     * repository) against the size and SHA-256 in the index as they stream, under the decryption.
     */
    public static ManifestReader openManifest(Repository repo, SnapshotIndex idx) throws IOException {
        String key = idx.manifest().key();
        InputStream raw = repo.store().get(key);
        InputStream checked = new CheckedStream(raw, key, idx.manifest().size(), idx.manifest().sha256());
        return new ManifestReader(repo.sealing().open(key, checked), key);
    }

    /** Hashes a stream as it is read and fails at its end when size or SHA-256 differ. */
    static final class CheckedStream extends java.io.FilterInputStream {
        private final String key;
        private final long size;
        private final String sha256;
        private final java.security.MessageDigest digest = Sha256.newDigest();
        private long n;
        private boolean checked;

        CheckedStream(InputStream in, String key, long size, String sha256) {
            super(in);
            this.key = key;
            this.size = size;
            this.sha256 = sha256;
        }

        @Override
        public int read() throws IOException {
            byte[] b = new byte[1];
            int r = read(b, 0, 1);
            return r < 0 ? -1 : b[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int r = super.read(b, off, len);
            if (r > 0) {
                digest.update(b, off, r);
                n += r;
                if (n > size) {
                    throw new IntegrityException("object " + key + " is larger than the index says");
                }
            } else if (r < 0 && !checked) {
                checked = true;
                if (n != size || !Sha256.hex(digest).equals(sha256)) {
                    throw new IntegrityException("object " + key + " does not match its SHA-256 in the index");
                }
            }
            return r;
        }

        /** Reads what is left, so the size and hash are always checked. */
        @Override
        public void close() throws IOException {
            try {
                if (!checked) {
                    byte[] b = new byte[8192];
                    while (read(b, 0, b.length) >= 0) {
                        // drain
                    }
                }
            } finally {
                super.close();
            }
        }

        @Override
        public long skip(long k) throws IOException {
            byte[] b = new byte[(int) Math.min(8192, Math.max(1, k))];
            long done = 0;
            while (done < k) {
                int r = read(b, 0, (int) Math.min(b.length, k - done));
                if (r < 0) {
                    break;
                }
                done += r;
            }
            return done;
        }
    }
}

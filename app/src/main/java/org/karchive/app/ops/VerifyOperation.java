package org.karchive.app.ops;

import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.karchive.app.repo.IndexAnchor;
import org.karchive.app.repo.Repository;
import org.karchive.app.repo.SnapshotIndex;
import org.karchive.format.EntryType;
import org.karchive.format.FormatException;
import org.karchive.format.ManifestReader;
import org.karchive.format.ManifestRecord;
import org.karchive.format.PathOrder;
import org.karchive.format.Sha256;
import org.karchive.store.ObjectNotFoundException;
import org.karchive.store.ObjectStore;

/**
 * Proves a snapshot can be restored without restoring it: every referenced object is present and
 * hashes to the index's SHA-256 (default), or is present with the right size (quick); or compares a
 * restored tree with the manifest (local).
 */
public final class VerifyOperation {

    /** Verify modes. */
    public enum Mode { FULL, QUICK, LOCAL }

    /** The outcome. */
    public record Report(String snapshot, boolean ok, List<Problem> problems, long objects, long bytesRead,
                         long entries) {
    }

    static final int MAX_PROBLEMS = 1000;

    private final Repository repo;
    private final List<Problem> problems = new ArrayList<>();
    private long objects;
    private long bytesRead;
    private long entries;

    /** Progress events; called from the verifying thread; must not block or throw. */
    public interface Listener {
        default void started(long totalBytes) {
        }

        default void progress(long bytes, String what) {
        }
    }

    private final Listener listener;
    private IndexAnchor anchor = IndexAnchor.NONE;

    public VerifyOperation(Repository repo) {
        this(repo, new Listener() { });
    }

    public VerifyOperation(Repository repo, Listener listener) {
        this.repo = repo;
        this.listener = listener;
    }

    /** Checks the snapshot's index against an anchor kept outside the bucket first. */
    public VerifyOperation withAnchor(IndexAnchor a) {
        this.anchor = a;
        return this;
    }

    private void problem(Problem p) {
        if (problems.size() < MAX_PROBLEMS) {
            problems.add(p);
        }
    }

    public Report run(String snapshotArg, Mode mode, Path localRoot) throws IOException {
        String id = repo.resolve(snapshotArg);
        SnapshotIndex idx;
        try {
            idx = repo.readIndex(id, anchor);
        } catch (IndexAnchor.MismatchException e) {
            problem(Problem.object("index-anchor", Repository.indexKey(id), e.getMessage()));
            return new Report(id, false, List.copyOf(problems), 0, 0, 0);
        } catch (FormatException e) {
            problem(Problem.object("damaged", Repository.indexKey(id), e.getMessage()));
            return new Report(id, false, List.copyOf(problems), 0, 0, 0);
        }
        List<SnapshotIndex.ObjectRef> refs = new ArrayList<>();
        refs.add(idx.manifest());
        refs.addAll(idx.chunks());
        if (mode == Mode.LOCAL) {
            listener.started(idx.totals().bytes());
            compareLocal(idx, localRoot);
        } else {
            listener.started(mode == Mode.QUICK ? -1 : refs.stream().mapToLong(SnapshotIndex.ObjectRef::size).sum());
            for (SnapshotIndex.ObjectRef ref : refs) {
                objects++;
                if (mode == Mode.QUICK) {
                    quick(ref);
                } else {
                    full(ref);
                }
            }
            checkManifest(idx);
        }
        return new Report(id, problems.isEmpty(), List.copyOf(problems), objects, bytesRead, entries);
    }

    private void quick(SnapshotIndex.ObjectRef ref) throws IOException {
        Optional<ObjectStore.ObjectInfo> info = repo.stat(ref.key());
        if (info.isEmpty()) {
            problem(Problem.object("missing", ref.key(), "object is not in the repository"));
        } else if (info.get().size() != ref.size()) {
            problem(Problem.object("size", ref.key(), "stored size " + info.get().size() + ", index says "
                    + ref.size()));
        }
    }

    /**
     * Downloads an object and hashes its stored bytes. In an encrypted repository the same bytes
     * are decrypted on the way (and discarded), so an object that hashes right but does not open
     * with the given keys, or whose age payload is damaged, is reported too.
     */
    private void full(SnapshotIndex.ObjectRef ref) throws IOException {
        MessageDigest d = Sha256.newDigest();
        long[] n = new long[1];
        byte[] buf = new byte[1 << 20];
        String decryptProblem = null;
        String decryptKind = null;
        try (InputStream raw = repo.store().get(ref.key());
             InputStream hashed = new java.io.FilterInputStream(raw) {
                 @Override
                 public int read(byte[] b, int off, int len) throws IOException {
                     int r = super.read(b, off, len);
                     if (r > 0) {
                         d.update(b, off, r);
                         n[0] += r;
                         listener.progress(r, ref.key());
                     }
                     return r;
                 }

                 @Override
                 public int read() throws IOException {
                     byte[] one = new byte[1];
                     int r = read(one, 0, 1);
                     return r < 0 ? -1 : one[0] & 0xff;
                 }
             }) {
            if (repo.encrypted()) {
                try (InputStream plain = repo.sealing().open(ref.key(), new java.io.FilterInputStream(hashed) {
                    @Override
                    public void close() {
                        // the raw stream is drained and closed below
                    }
                })) {
                    while (plain.read(buf) >= 0) {
                        // decrypt and discard: age authenticates every chunk
                    }
                } catch (org.karchive.app.crypt.KeyException e) {
                    decryptKind = "key";
                    decryptProblem = e.getMessage();
                } catch (FormatException e) {
                    decryptKind = "damaged";
                    decryptProblem = e.getMessage();
                }
            }
            while (hashed.read(buf) >= 0) {
                // hash what is left
            }
        } catch (ObjectNotFoundException e) {
            problem(Problem.object("missing", ref.key(), "object is not in the repository"));
            return;
        }
        bytesRead += n[0];
        String sha = Sha256.hex(d);
        if (n[0] != ref.size()) {
            problem(Problem.object("size", ref.key(), "stored size " + n[0] + ", index says " + ref.size()));
        } else if (!sha.equals(ref.sha256())) {
            problem(Problem.object("damaged", ref.key(), "SHA-256 of the stored bytes does not match the index"));
        } else if (decryptProblem != null) {
            problem(Problem.object(decryptKind, ref.key(), decryptProblem));
        }
    }

    /** Reads the whole manifest: trailer, order, paths, and chunk references. */
    private void checkManifest(SnapshotIndex idx) throws IOException {
        Set<String> chunks = new HashSet<>();
        for (SnapshotIndex.ObjectRef c : idx.chunks()) {
            chunks.add(c.key());
        }
        try (ManifestReader mr = RestoreOperation.openManifest(repo, idx)) {
            ManifestRecord r;
            while ((r = mr.read()) != null) {
                entries++;
                if (!chunks.contains(r.chunk())) {
                    problem(Problem.path("unknown-chunk", r.path(), "names chunk " + r.chunk()
                            + ", which the index does not list"));
                }
            }
            if (entries != idx.totals().records()) {
                problem(Problem.object("manifest", idx.manifest().key(), "holds " + entries
                        + " records, the index says " + idx.totals().records()));
            }
        } catch (ObjectNotFoundException e) {
            // already reported as missing
        } catch (FormatException e) {
            problem(Problem.object("manifest", idx.manifest().key(), e.getMessage()));
        }
    }

    /** Compares the tree at {@code root} (laid out like a --target restore) with the manifest. */
    private void compareLocal(SnapshotIndex idx, Path root) throws IOException {
        Path base = root.toAbsolutePath().normalize();
        try (ManifestReader mr = RestoreOperation.openManifest(repo, idx);
             LocalTree tree = new LocalTree(base, idx.paths())) {
            ManifestRecord r;
            String local = tree.next();
            while ((r = mr.read()) != null) {
                entries++;
                while (local != null && PathOrder.compare(local, r.path()) < 0) {
                    problem(Problem.path("extra", local, "not in the snapshot"));
                    local = tree.next();
                }
                if (local != null && local.equals(r.path())) {
                    local = tree.next();
                    compareEntry(base, r);
                } else {
                    problem(Problem.path("missing", r.path(), "not present under " + base));
                }
            }
            while (local != null) {
                problem(Problem.path("extra", local, "not in the snapshot"));
                local = tree.next();
            }
        } catch (FormatException e) {
            problem(Problem.object("manifest", idx.manifest().key(), e.getMessage()));
        }
    }

    private void compareEntry(Path base, ManifestRecord r) {
        Path p = base.resolve(r.path());
        Map<String, Object> a;
        try {
            a = Files.readAttributes(p, "unix:mode,uid,gid,size,lastModifiedTime", LinkOption.NOFOLLOW_LINKS);
        } catch (IOException e) {
            problem(Problem.path("missing", r.path(), "cannot read: " + e.getMessage()));
            return;
        }
        int mode = (Integer) a.get("mode");
        EntryType type = switch (mode & 0170000) {
            case 0100000 -> EntryType.FILE;
            case 0040000 -> EntryType.DIR;
            case 0120000 -> EntryType.SYMLINK;
            default -> null;
        };
        EntryType want = r.type() == EntryType.HARDLINK ? EntryType.FILE : r.type();
        if (type != want) {
            problem(Problem.path("type", r.path(), "is " + (type == null ? "special" : type.json()) + ", snapshot has "
                    + r.type().json()));
            return;
        }
        List<String> diffs = new ArrayList<>();
        if (type != EntryType.SYMLINK && (mode & 07777) != r.mode()) {
            diffs.add(String.format("mode %04o, snapshot %04o", mode & 07777, r.mode()));
        }
        long uid = ((Integer) a.get("uid")) & 0xffffffffL;
        long gid = ((Integer) a.get("gid")) & 0xffffffffL;
        if (uid != r.uid() || gid != r.gid()) {
            diffs.add("owner " + uid + ":" + gid + ", snapshot " + r.uid() + ":" + r.gid());
        }
        if (r.type() != EntryType.HARDLINK) {
            FileTime t = (FileTime) a.get("lastModifiedTime");
            long ns = t.toInstant().getEpochSecond() * 1_000_000_000L + t.toInstant().getNano();
            if (ns != r.mtime()) {
                diffs.add("mtime " + t.toInstant() + ", snapshot " + java.time.Instant.ofEpochSecond(0, r.mtime()));
            }
        }
        if (r.type() == EntryType.SYMLINK) {
            try {
                String target = Files.readSymbolicLink(p).toString();
                if (!target.equals(r.link())) {
                    diffs.add("symlink target differs");
                }
            } catch (IOException e) {
                diffs.add("cannot read symlink");
            }
        }
        if (r.type() == EntryType.FILE) {
            long size = (Long) a.get("size");
            if (size != r.size()) {
                diffs.add("size " + size + ", snapshot " + r.size());
            } else if (!hash(p).equals(r.sha256())) {
                diffs.add("content differs (SHA-256)");
            }
        }
        if (!diffs.isEmpty()) {
            problem(Problem.path("changed", r.path(), String.join("; ", diffs)));
        }
    }

    private String hash(Path p) {
        MessageDigest d = Sha256.newDigest();
        java.nio.ByteBuffer buf = java.nio.ByteBuffer.allocate(1 << 20);
        try (FileChannel ch = FileChannel.open(p, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS)) {
            while (ch.read(buf.clear()) >= 0) {
                buf.flip();
                d.update(buf);
                bytesRead += buf.limit();
                listener.progress(buf.limit(), p.toString());
            }
        } catch (IOException e) {
            return "unreadable";
        }
        return Sha256.hex(d);
    }

    /**
     * Walks the local copy of the snapshot's roots in path order, yielding paths relative to base.
     * The walk runs on its own thread and hands paths over through a bounded queue, so memory does
     * not grow with the size of the tree.
     */
    private static final class LocalTree implements AutoCloseable {
        private static final String END = new String("end of walk");
        private final java.util.concurrent.BlockingQueue<String> queue =
                new java.util.concurrent.ArrayBlockingQueue<>(4096);
        private final Thread walker;
        private volatile IOException failure;

        LocalTree(Path base, List<String> roots) {
            List<Path> starts = new ArrayList<>();
            for (String r : roots) {
                String rel = r.startsWith("/") ? r.substring(1) : r;
                Path p = rel.isEmpty() ? base : base.resolve(rel);
                if (Files.exists(p, LinkOption.NOFOLLOW_LINKS)) {
                    starts.add(p);
                }
            }
            walker = new Thread(() -> {
                try {
                    new org.karchive.format.TreeWalker(starts, s -> false, (path, reason) -> { }, base)
                            .walk(e -> put(e.path()));
                } catch (IOException e) {
                    failure = e;
                } catch (InterruptedWalk e) {
                    return;
                }
                try {
                    queue.put(END);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }, "karchive-verify-walk");
            walker.setDaemon(true);
            walker.start();
        }

        private void put(String path) {
            try {
                queue.put(path);
            } catch (InterruptedException e) {
                throw new InterruptedWalk();
            }
        }

        /** Stops the walker when the reader gives up early. */
        private static final class InterruptedWalk extends RuntimeException {
            private static final long serialVersionUID = 1L;
        }

        String next() throws IOException {
            String p;
            try {
                p = queue.take();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new java.io.InterruptedIOException("interrupted");
            }
            if (p == END) {
                queue.add(END);
                if (failure != null) {
                    throw failure;
                }
                return null;
            }
            return p;
        }

        @Override
        public void close() {
            walker.interrupt();
        }
    }
}

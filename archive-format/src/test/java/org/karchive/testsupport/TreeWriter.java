package org.karchive.testsupport;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Writes one generated tree: creates entries, sets owner (as root), mode and a nanosecond mtime,
 * and counts what it made. Directory metadata is applied last, deepest first, so writing a
 * directory's contents cannot disturb its mtime and a read-only directory can still be filled.
 */
final class TreeWriter {
    /** Fills {@code len} bytes of {@code buf} with the content that starts at byte {@code pos}. */
    interface Content {
        void fill(byte[] buf, int len, long pos);
    }

    private record DirMeta(Path path, KaapanaCorpus.Owner owner, int mode, Instant mtime) {}

    static final Instant EPOCH_BASE = Instant.parse("2025-06-02T08:00:00Z");
    private static final long SPREAD_NANOS = 200L * 24 * 3600 * 1_000_000_000L;
    static final int BUF = 1 << 20;

    private final Path root;
    private final boolean asRoot;
    private final Xorshift times;
    final byte[] buf = new byte[BUF];
    private final List<DirMeta> dirMetas = new ArrayList<>();
    private final Set<Path> madeDirs = new HashSet<>();
    private final SortedMap<String, KaapanaCorpus.Owner> owners = new TreeMap<>();
    private final boolean recordOwners;
    long files;
    long dirs;
    long symlinks;
    long specials;
    long bytes;

    TreeWriter(Path root, Xorshift times, boolean recordOwners) {
        this.root = root;
        this.asRoot = Posix.isRoot();
        this.times = times;
        this.recordOwners = recordOwners;
    }

    /** A deterministic mtime with nanoseconds in the second half of 2025. */
    Instant nextTime() {
        return EPOCH_BASE.plusNanos(Long.remainderUnsigned(times.nextLong(), SPREAD_NANOS));
    }

    Path path(String rel) {
        return root.resolve(rel);
    }

    /** Creates {@code rel} and any missing parents, all with this owner and mode. */
    Path dir(String rel, KaapanaCorpus.Owner owner, int mode) throws IOException {
        return dir(rel, owner, mode, null);
    }

    Path dir(String rel, KaapanaCorpus.Owner owner, int mode, Instant mtime) throws IOException {
        Path p = root.resolve(rel);
        if (madeDirs.contains(p)) {
            return p;
        }
        Path parent = p.getParent();
        if (!parent.equals(root) && !madeDirs.contains(parent)) {
            dir(root.relativize(parent).toString(), owner, mode);
        }
        Files.createDirectory(p);
        madeDirs.add(p);
        dirs++;
        dirMetas.add(new DirMeta(p, owner, mode, mtime != null ? mtime : nextTime()));
        record(p, owner);
        return p;
    }

    void file(String rel, KaapanaCorpus.Owner owner, int mode, long size, Content content) throws IOException {
        file(rel, owner, mode, size, content, null);
    }

    void file(String rel, KaapanaCorpus.Owner owner, int mode, long size, Content content, Instant mtime)
            throws IOException {
        Path p = root.resolve(rel);
        try (FileChannel ch = FileChannel.open(p, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            long pos = 0;
            while (pos < size) {
                int n = (int) Math.min(BUF, size - pos);
                content.fill(buf, n, pos);
                ByteBuffer bb = ByteBuffer.wrap(buf, 0, n);
                while (bb.hasRemaining()) {
                    ch.write(bb);
                }
                pos += n;
            }
        }
        finishFile(p, owner, mode, size, mtime);
    }

    void bytes(String rel, KaapanaCorpus.Owner owner, int mode, byte[] data) throws IOException {
        bytes(rel, owner, mode, data, null);
    }

    void bytes(String rel, KaapanaCorpus.Owner owner, int mode, byte[] data, Instant mtime) throws IOException {
        Path p = root.resolve(rel);
        Files.write(p, data, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        finishFile(p, owner, mode, data.length, mtime);
    }

    void text(String rel, KaapanaCorpus.Owner owner, int mode, CharSequence text) throws IOException {
        bytes(rel, owner, mode, text.toString().getBytes(StandardCharsets.UTF_8));
    }

    void empty(String rel, KaapanaCorpus.Owner owner, int mode) throws IOException {
        bytes(rel, owner, mode, new byte[0]);
    }

    /** Metadata for a regular file written by other means (e.g. a sparse file). */
    void finishFile(Path p, KaapanaCorpus.Owner owner, int mode, long size, Instant mtime) throws IOException {
        if (asRoot && !owner.isRoot()) {
            Posix.chown(p, owner.uid(), owner.gid());
        }
        // mtime before mode: the JDK opens the file to set times, which mode 0000 forbids a non-root user
        Posix.setMtime(p, mtime != null ? mtime : nextTime(), false);
        Posix.chmod(p, mode);
        files++;
        bytes += size;
        record(p, owner);
    }

    void symlink(String rel, String target, KaapanaCorpus.Owner owner) throws IOException {
        Path p = root.resolve(rel);
        Files.createSymbolicLink(p, Path.of(target));
        if (asRoot && !owner.isRoot()) {
            Posix.chown(p, owner.uid(), owner.gid());
        }
        Posix.setMtime(p, nextTime(), false);
        symlinks++;
        record(p, owner);
    }

    /** A second name for an existing file: counted as a file, its bytes not again. */
    void hardlink(String rel, String existingRel) throws IOException {
        Files.createLink(root.resolve(rel), root.resolve(existingRel));
        files++;
    }

    void fifo(String rel, KaapanaCorpus.Owner owner, int mode) throws IOException {
        Path p = root.resolve(rel);
        Posix.mkfifo(p, mode);
        if (asRoot && !owner.isRoot()) {
            Posix.chown(p, owner.uid(), owner.gid());
        }
        Posix.chmod(p, mode);
        Posix.setMtime(p, nextTime(), true);
        specials++;
        record(p, owner);
    }

    private void record(Path p, KaapanaCorpus.Owner owner) {
        if (recordOwners && !owner.isRoot()) {
            owners.put(root.relativize(p).toString(), owner);
        }
    }

    /** Applies directory owner, mode and mtime, deepest first. Call once, after all content. */
    void finish() throws IOException {
        dirMetas.sort(Comparator.comparingInt((DirMeta d) -> d.path().getNameCount()).reversed());
        for (DirMeta d : dirMetas) {
            if (asRoot && !d.owner().isRoot()) {
                Posix.chown(d.path(), d.owner().uid(), d.owner().gid());
            }
            Posix.setMtime(d.path(), d.mtime(), false);
            Posix.chmod(d.path(), d.mode());
        }
        dirMetas.clear();
    }

    SortedMap<String, KaapanaCorpus.Owner> owners() {
        return owners;
    }

    // ---- content models ----

    static Content zeros() {
        return (b, len, pos) -> Arrays.fill(b, 0, len, (byte) 0);
    }

    static Content random(Xorshift r) {
        return (b, len, pos) -> r.fill(b, 0, len);
    }

    /** {@code head} bytes first, then random bytes. */
    static Content headThenRandom(byte[] head, Xorshift r) {
        return (b, len, pos) -> {
            r.fill(b, 0, len);
            if (pos < head.length) {
                int n = (int) Math.min(len, head.length - pos);
                System.arraycopy(head, (int) pos, b, 0, n);
            }
        };
    }

    /** Random bytes up to {@code randomBytes}, zeros after (a WAL segment after a short run). */
    static Content randomThenZeros(long randomBytes, Xorshift r) {
        return (b, len, pos) -> {
            int rnd = (int) Math.max(0, Math.min(len, randomBytes - pos));
            r.fill(b, 0, rnd);
            Arrays.fill(b, rnd, len, (byte) 0);
        };
    }

    /** Pages of {@code pageSize}: each random with probability {@code p}, else all zero. */
    static Content pages(int pageSize, double p, Xorshift r) {
        return (b, len, pos) -> {
            for (int off = 0; off < len; off += pageSize) {
                int n = Math.min(pageSize, len - off);
                if (r.chance(p)) {
                    r.fill(b, off, n);
                } else {
                    Arrays.fill(b, off, off + n, (byte) 0);
                }
            }
        };
    }

    /** Blocks of 4 KiB: random with probability {@code p}, else text from {@code text}. */
    static Content mixed(double p, byte[] text, Xorshift r) {
        return (b, len, pos) -> {
            for (int off = 0; off < len; off += 4096) {
                int n = Math.min(4096, len - off);
                if (r.chance(p)) {
                    r.fill(b, off, n);
                } else {
                    int from = r.nextInt(Math.max(1, text.length - n));
                    int m = Math.min(n, text.length - from);
                    System.arraycopy(text, from, b, off, m);
                    Arrays.fill(b, off + m, off + n, (byte) ' ');
                }
            }
        };
    }
}

package org.karchive.format;

import com.sun.jna.LastErrorException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * Restores manifest records below a target directory from chunk tar streams, treating every byte of
 * the repository as hostile: each tar entry must match its (already validated) manifest record in
 * path, type and size; content is written to a temporary name, hashed as it is written and renamed
 * into place only when the SHA-256 matches; no existing symlink is ever traversed; hard links only
 * point at files this restore wrote; symlinks are created and directory metadata applied last.
 * Not thread-safe: feed records in manifest order from one thread.
 *
 * <p><b>No path is ever resolved through a symlink.</b> The target is opened once with
 * {@code O_DIRECTORY|O_NOFOLLOW}; every directory below it is reached with
 * {@code openat(parentfd, name, O_DIRECTORY|O_NOFOLLOW)}, one component at a time, and missing ones
 * are made with {@code mkdirat(parentfd, name)}. Every other operation names its object as
 * {@code /proc/self/fd/<parentfd>/<name>}: the kernel resolves the fd link to the directory the
 * descriptor pins (whatever has been renamed or replaced since), and the last component is used
 * with NOFOLLOW ({@code O_CREAT|O_EXCL|O_NOFOLLOW} for new files, lchown, {@code O_NOFOLLOW} for
 * chmod, {@code utimensat(AT_SYMLINK_NOFOLLOW)}, rename, link, symlink, none of which follow a
 * final symlink). So a symlink planted in the target, created by the archive, or swapped in for a
 * directory while the restore runs is never traversed: there is no window between a check and a
 * use, because no check is made on a path that is used later. ({@link java.nio.file.SecureDirectoryStream}
 * gives the same guarantees for open, stat, rename and delete but has no mkdir, link or symlink,
 * so it could not close the window alone.) Linux only.
 */
public final class Extractor implements AutoCloseable {

    /** Restore switches, defaults in one place. */
    public record Options(boolean overwrite, boolean setOwners, boolean preserveSetid) {
        public static Options defaults() {
            return new Options(false, isRoot(), false);
        }

        public Options withOverwrite(boolean v) {
            return new Options(v, setOwners, preserveSetid);
        }

        public Options withPreserveSetid(boolean v) {
            return new Options(overwrite, setOwners, v);
        }

        public Options withSetOwners(boolean v) {
            return new Options(overwrite, v, preserveSetid);
        }
    }

    /** Progress events; called from the restoring thread; must not block or throw. */
    public interface Listener {
        default void restored(ManifestRecord r) {
        }
    }

    /** Where a stored path goes on disk: relative to the target, possibly renamed (remapping). */
    public interface PathMapper {
        PathMapper IDENTITY = p -> p;

        String map(String storedPath);
    }

    static final String TMP_PREFIX = ".karchive-restore-";

    /**
     * What a restore covers, so the extractor can tell entries it may pass over (an incremental
     * snapshot reads chunks of older snapshots holding entries it does not use) from entries that
     * have no business in a chunk.
     */
    public interface Scope {
        /** Whether the tar entry {@code path} of chunk {@code chunk} may be passed over unrestored. */
        boolean maySkip(String chunk, String path);

        /** Whether to read chunk {@code chunk} to its end when done and refuse anything extra. */
        boolean checkEnd(String chunk);

        /** Any entry may be skipped, no chunk end checked. */
        static Scope lenient() {
            return new Scope() {
                @Override
                public boolean maySkip(String chunk, String path) {
                    return true;
                }

                @Override
                public boolean checkEnd(String chunk) {
                    return false;
                }
            };
        }
    }

    /** One open chunk tar stream and where it started. */
    private static final class Stream {
        final String chunk;
        final TarReader tar;
        final int frame;
        final long offset;
        String lastPath;

        Stream(String chunk, TarReader tar, int frame, long offset) {
            this.chunk = chunk;
            this.tar = tar;
            this.frame = frame;
            this.offset = offset;
        }
    }

    private static final int OPEN_DIR = LibC.O_RDONLY | LibC.O_DIRECTORY | LibC.O_NOFOLLOW | LibC.O_CLOEXEC;

    private final Path target;
    private final Options options;
    private final Listener listener;
    private final ChunkSource source;
    private final Scope scope;
    private final PathMapper mapper;
    private final Set<String> linkTargets;
    /** Files this restore wrote that hard links point at: path to file key (device and inode). */
    private final Map<String, Object> writtenLinkTargets = new HashMap<>();
    private final List<ManifestRecord> dirs = new ArrayList<>();
    private final List<ManifestRecord> symlinks = new ArrayList<>();
    private final byte[] buf = new byte[1 << 20];
    private final byte[] zeroBlock = new byte[4096];
    private final LibC.Api libc;
    private final int rootFd;
    /** The last directory a record was restored into (relative path, "" = target) and its fd. */
    private String cachedDir;
    private int cachedFd = -1;

    /** Open chunk streams, most recently used last; incremental snapshots interleave chunks. */
    private final LinkedHashMap<String, Stream> open = new LinkedHashMap<>(16, 0.75f, true);
    static final int MAX_OPEN_CHUNKS = 8;
    private long files;
    private long bytes;
    private long entries;

    /**
     * @param linkTargets paths that hard links in the selection point at (from a validation pass)
     */
    public Extractor(Path target, Options options, ChunkSource source, Set<String> linkTargets, Listener listener)
            throws IOException {
        this(target, options, source, linkTargets, listener, Scope.lenient());
    }

    public Extractor(Path target, Options options, ChunkSource source, Set<String> linkTargets, Listener listener,
                     Scope scope) throws IOException {
        this(target, options, source, linkTargets, listener, scope, PathMapper.IDENTITY);
    }

    /**
     * As above, writing each stored path where {@code mapper} says (relative to the target; the
     * mapped path must pass {@link SafePaths} too). Hard-link targets are mapped the same way.
     */
    public Extractor(Path target, Options options, ChunkSource source, Set<String> linkTargets, Listener listener,
                     Scope scope, PathMapper mapper) throws IOException {
        this.mapper = mapper;
        this.target = target.toAbsolutePath().normalize();
        if (!LibC.fdRelative()) {
            throw new IOException("restore needs Linux (x86-64 or arm64) with /proc mounted: it opens every "
                    + "directory relative to its parent without following symlinks");
        }
        this.libc = LibC.get();
        Files.createDirectories(this.target);
        try {
            this.rootFd = libc.openat(LibC.AT_FDCWD, this.target.toString(), OPEN_DIR, 0);
        } catch (LastErrorException e) {
            throw new IOException("cannot open restore target " + this.target
                    + (e.getErrorCode() == LibC.ELOOP ? ": it is a symlink" : ": errno " + e.getErrorCode()));
        }
        this.options = options;
        this.source = source;
        this.linkTargets = linkTargets;
        this.listener = listener;
        this.scope = scope;
    }

    public long files() {
        return files;
    }

    public long bytes() {
        return bytes;
    }

    /** Records restored (or queued, for symlinks) so far. */
    public long entries() {
        return entries;
    }

    /** Restores one record; its chunk is read forward from where the previous record left it. */
    public void restore(ManifestRecord r) throws IOException {
        Stream s = seek(r);
        TarReader.Entry entry = current;
        check(entry, r);
        switch (r.type()) {
            case DIR -> restoreDir(r);
            case FILE -> restoreFile(r, s);
            case SYMLINK -> symlinks.add(r);
            case HARDLINK -> restoreHardlink(r);
            default -> throw new IllegalStateException();
        }
        entries++;
        if (r.type() != EntryType.SYMLINK) {
            listener.restored(r);
        }
    }

    private TarReader.Entry current;

    private Stream seek(ManifestRecord r) throws IOException {
        Stream s = open.get(r.chunk());
        String lastPath = null;
        if (s != null && farBehind(s, r)) {
            open.remove(r.chunk());
            s.tar.close();
            lastPath = s.lastPath;
            s = null;
        }
        if (s == null) {
            if (scope.checkEnd(r.chunk())) {
                finishEarlierChunks(r.chunk());
            }
            if (open.size() >= MAX_OPEN_CHUNKS) {
                String eldest = open.keySet().iterator().next();
                closeStream(open.remove(eldest), false);
            }
            s = new Stream(r.chunk(), new TarReader(openAt(r), r.chunk()), r.frame(), r.offset());
            s.lastPath = lastPath;
            open.put(r.chunk(), s);
        }
        while (true) {
            TarReader.Entry e = nextEntry(s);
            if (e == null) {
                throw new FormatException("chunk " + r.chunk() + " ends before the entry for "
                        + SafePaths.printable(r.path()));
            }
            int c = PathOrder.compare(e.path(), r.path());
            if (c == 0) {
                current = e;
                return s;
            }
            if (c > 0) {
                throw new FormatException("chunk " + r.chunk() + " has no entry for " + SafePaths.printable(r.path())
                        + " (found " + SafePaths.printable(e.path()) + ")");
            }
            // an entry this restore does not select: its data is skipped by the next call
            if (!scope.maySkip(r.chunk(), e.path())) {
                throw notInManifest(r.chunk(), e.path());
            }
        }
    }

    /**
     * A snapshot writes its chunks in path order, so once a record of its chunk {@code key} comes,
     * its chunks with lower keys hold nothing more this restore needs: read them to their end now.
     */
    private void finishEarlierChunks(String key) throws IOException {
        var it = open.values().iterator();
        while (it.hasNext()) {
            Stream o = it.next();
            if (scope.checkEnd(o.chunk) && o.chunk.compareTo(key) < 0) {
                it.remove();
                closeStream(o, true);
            }
        }
    }

    /** The next entry of a stream, refusing repeats, disorder and entries the scope does not allow. */
    private TarReader.Entry nextEntry(Stream s) throws IOException {
        TarReader.Entry e = s.tar.next();
        if (e == null) {
            return null;
        }
        if (s.lastPath != null && PathOrder.compare(e.path(), s.lastPath) <= 0) {
            throw new FormatException("chunk " + s.chunk + ": entry " + SafePaths.printable(e.path())
                    + (e.path().equals(s.lastPath) ? " appears twice" : " is out of path order"));
        }
        s.lastPath = e.path();
        return e;
    }

    /** Whether the record starts beyond the frame after the one the stream is in: then reopen there. */
    private boolean farBehind(Stream s, ManifestRecord r) throws IOException {
        if (r.frame() <= s.frame + 1) {
            return false;
        }
        SeekTable t = source.seekTable(r.chunk());
        if (t == null) {
            return false;
        }
        long pos = t.decompressedOffset(s.frame) + s.offset + s.tar.position();
        long want = t.decompressedOffset(r.frame()) + r.offset();
        return want > pos && r.frame() > t.frameAt(pos) + 1;
    }

    private InputStream openAt(ManifestRecord r) throws IOException {
        InputStream in = source.openTar(r.chunk(), r.frame());
        try {
            in.skipNBytes(r.offset());
        } catch (java.io.EOFException e) {
            in.close();
            throw new FormatException("chunk " + r.chunk() + " ends before the entry for "
                    + SafePaths.printable(r.path()));
        } catch (IOException | RuntimeException e) {
            in.close();
            throw e;
        }
        return in;
    }

    /** Closes a chunk stream; for chunks whose end the scope checks, first reads it to its end. */
    private void closeStream(Stream s, boolean checkEnd) throws IOException {
        try (TarReader t = s.tar) {
            if (checkEnd && scope.checkEnd(s.chunk)) {
                TarReader.Entry e;
                while ((e = nextEntry(s)) != null) {
                    if (!scope.maySkip(s.chunk, e.path())) {
                        throw notInManifest(s.chunk, e.path());
                    }
                }
                t.checkEnd();
            }
        }
    }

    private static FormatException notInManifest(String chunk, String path) {
        return new FormatException("chunk " + chunk + " holds an entry " + SafePaths.printable(path)
                + " that the manifest does not list");
    }

    private void check(TarReader.Entry e, ManifestRecord r) throws FormatException {
        EntryType t = e.type();
        if (t != r.type()) {
            throw new FormatException("tar entry " + SafePaths.printable(r.path()) + " is a " + t.json()
                    + " but the manifest says " + r.type().json());
        }
        if (t == EntryType.FILE) {
            if (e.size() != r.size()) {
                throw new FormatException("tar entry " + SafePaths.printable(r.path()) + " has size " + e.size()
                        + " but the manifest says " + r.size());
            }
            if (e.sparse() != r.isSparse()) {
                throw new FormatException("tar entry " + SafePaths.printable(r.path())
                        + (e.sparse() ? " is" : " is not") + " sparse, unlike its manifest record");
            }
        }
        if ((t == EntryType.SYMLINK || t == EntryType.HARDLINK) && !r.link().equals(e.link())) {
            throw new FormatException("tar entry " + SafePaths.printable(r.path())
                    + " links somewhere other than the manifest says");
        }
    }

    // ---- directory walk: fd-relative, never following a symlink ----

    /** Where a stored path goes, relative to the target. */
    private String where(String stored) throws FormatException {
        return mapper == PathMapper.IDENTITY ? stored : SafePaths.check(mapper.map(stored));
    }

    private static String dirOf(String path) {
        int slash = path.lastIndexOf('/');
        return slash < 0 ? "" : path.substring(0, slash);
    }

    private static String leaf(String path) {
        return path.substring(path.lastIndexOf('/') + 1);
    }

    /** The object {@code name} in the directory open as {@code fd}, for NOFOLLOW operations. */
    private static Path at(int fd, String name) {
        return Path.of("/proc/self/fd/" + fd, name);
    }

    /** fd of the directory holding {@code path}; owned by the cache, do not close. */
    private int parentFd(String path, boolean create) throws IOException {
        String dir = dirOf(path);
        if (dir.equals(cachedDir)) {
            return cachedFd;
        }
        int fd = walk(dir, path, create);
        dropCache();
        cachedDir = dir;
        cachedFd = fd;
        return fd;
    }

    private void dropCache() {
        if (cachedFd >= 0) {
            closeFd(cachedFd);
        }
        cachedFd = -1;
        cachedDir = null;
    }

    private void closeFd(int fd) {
        libc.close(fd);
    }

    /** Opens directory {@code dir} (relative to the target) one component at a time; caller closes. */
    private int walk(String dir, String forPath, boolean create) throws IOException {
        int fd = openDir(rootFd, ".", forPath, "", false);
        if (dir.isEmpty()) {
            return fd;
        }
        int start = 0;
        while (start <= dir.length()) {
            int end = dir.indexOf('/', start);
            if (end < 0) {
                end = dir.length();
            }
            int next;
            try {
                next = openDir(fd, dir.substring(start, end), forPath, dir.substring(0, end), create);
            } finally {
                closeFd(fd);
            }
            fd = next;
            start = end + 1;
        }
        return fd;
    }

    private int openDir(int parent, String name, String forPath, String shown, boolean create) throws IOException {
        try {
            return libc.openat(parent, name, OPEN_DIR, 0);
        } catch (LastErrorException e) {
            int err = e.getErrorCode();
            if (err == LibC.ENOENT && create) {
                try {
                    libc.mkdirat(parent, name, 0755);
                } catch (LastErrorException ex) {
                    if (ex.getErrorCode() != LibC.EEXIST) {
                        throw new IOException("cannot create directory " + SafePaths.printable(shown) + " below "
                                + target + ": errno " + ex.getErrorCode());
                    }
                }
                return openDir(parent, name, forPath, shown, false);
            }
            if (err == LibC.ELOOP || err == LibC.ENOTDIR) {
                throw new UnsafeRestoreException(forPath, "parent " + SafePaths.printable(shown)
                        + " is a symlink or not a directory; refusing to follow it");
            }
            if (err == LibC.ENOENT) {
                throw new UnsafeRestoreException(forPath, "parent " + SafePaths.printable(shown)
                        + " disappeared during restore");
            }
            throw new IOException("cannot open directory " + SafePaths.printable(shown) + " below " + target
                    + ": errno " + err);
        }
    }

    private static BasicFileAttributes lstat(Path p) throws IOException {
        try {
            return Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        } catch (NoSuchFileException e) {
            return null;
        }
    }

    private void restoreDir(ManifestRecord r) throws IOException {
        int pfd = parentFd(where(r.path()), true);
        String name = leaf(where(r.path()));
        BasicFileAttributes a = lstat(at(pfd, name));
        if (a != null && !a.isDirectory()) {
            if (!options.overwrite()) {
                throw new RestoreConflictException(r.path());
            }
            // removes a file or the symlink itself, never what it points at
            Files.delete(at(pfd, name));
            a = null;
        }
        if (a == null) {
            try {
                libc.mkdirat(pfd, name, 0700);
            } catch (LastErrorException e) {
                BasicFileAttributes b = lstat(at(pfd, name));
                if (e.getErrorCode() != LibC.EEXIST || b == null || !b.isDirectory()) {
                    throw new UnsafeRestoreException(r.path(), "cannot create the directory (errno "
                            + e.getErrorCode() + ")");
                }
            }
        }
        dirs.add(r);
    }

    private void clearForReplace(int pfd, String name, ManifestRecord r) throws IOException {
        BasicFileAttributes a = lstat(at(pfd, name));
        if (a == null) {
            return;
        }
        if (a.isDirectory()) {
            throw new RestoreConflictException(r.path() + " (a directory is in the way)");
        }
        if (!options.overwrite()) {
            throw new RestoreConflictException(r.path());
        }
    }

    private void restoreFile(ManifestRecord r, Stream s) throws IOException {
        int pfd = parentFd(where(r.path()), true);
        String name = leaf(where(r.path()));
        clearForReplace(pfd, name, r);
        String tmpName = TMP_PREFIX + UUID.randomUUID();
        Path tmp = at(pfd, tmpName);
        boolean ok = false;
        try {
            MessageDigest sha = Sha256.newDigest();
            long n = 0;
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE,
                    LinkOption.NOFOLLOW_LINKS)) {
                boolean sparse = r.isSparse();
                long limit = r.size();
                while (n < limit) {
                    long hole = sparse ? Math.min(s.tar.holeAhead(), limit - n) : 0;
                    if (hole > 0) {
                        // a hole stays a hole: hash its zeros, write nothing
                        s.tar.skipHole(hole);
                        Sha256.updateZeros(sha, hole);
                        n += hole;
                        continue;
                    }
                    int want = (int) Math.min(buf.length, limit - n);
                    int got = s.tar.read(buf, 0, want);
                    if (got < 0) {
                        throw new FormatException("chunk " + r.chunk() + ": entry " + SafePaths.printable(r.path())
                                + " is shorter than the manifest says");
                    }
                    sha.update(buf, 0, got);
                    if (sparse) {
                        writeSparse(ch, n, got);
                    } else {
                        ByteBuffer bb = ByteBuffer.wrap(buf, 0, got);
                        long pos = n;
                        while (bb.hasRemaining()) {
                            pos += ch.write(bb, pos);
                        }
                    }
                    n += got;
                }
                if (sparse) {
                    ch.truncate(limit);
                    if (ch.size() < limit) {
                        ch.write(ByteBuffer.wrap(new byte[1]), limit - 1);
                    }
                }
            }
            String actual = Sha256.hex(sha);
            if (!actual.equals(r.sha256())) {
                throw new IntegrityException("content of " + SafePaths.printable(r.path()) + " (chunk " + r.chunk()
                        + ") does not match its SHA-256 in the manifest");
            }
            applyMeta(pfd, tmpName, r, false);
            Files.move(tmp, at(pfd, name), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            ok = true;
            files++;
            bytes += n;
            if (linkTargets.contains(r.path())) {
                BasicFileAttributes a = lstat(at(pfd, name));
                writtenLinkTargets.put(r.path(), a == null ? null : a.fileKey());
            }
        } finally {
            if (!ok) {
                Files.deleteIfExists(tmp);
            }
        }
    }

    /**
     * Writes a buffer, leaving holes where whole 4 KiB blocks are zero; runs of non-zero blocks go
     * out in one write.
     */
    private void writeSparse(FileChannel ch, long pos, int len) throws IOException {
        int block = 4096;
        int i = 0;
        int runStart = -1;
        while (i < len) {
            int n = Math.min(block, len - i);
            boolean zero = java.util.Arrays.mismatch(buf, i, i + n, zeroBlock, 0, n) < 0;
            if (zero && runStart >= 0) {
                writeFully(ch, runStart, i - runStart, pos + runStart);
                runStart = -1;
            } else if (!zero && runStart < 0) {
                runStart = i;
            }
            i += n;
        }
        if (runStart >= 0) {
            writeFully(ch, runStart, len - runStart, pos + runStart);
        }
    }

    private void writeFully(FileChannel ch, int off, int len, long at) throws IOException {
        ByteBuffer bb = ByteBuffer.wrap(buf, off, len);
        long p = at;
        while (bb.hasRemaining()) {
            p += ch.write(bb, p);
        }
    }

    private void restoreHardlink(ManifestRecord r) throws IOException {
        if (!writtenLinkTargets.containsKey(r.link())) {
            throw new UnsafeRestoreException(r.path(), "hard link to " + SafePaths.printable(r.link())
                    + ", which this restore did not write");
        }
        int pfd = parentFd(where(r.path()), true);
        String name = leaf(where(r.path()));
        clearForReplace(pfd, name, r);
        int tfd = walk(dirOf(where(r.link())), r.path(), false);
        try {
            Path existing = at(tfd, leaf(where(r.link())));
            BasicFileAttributes a = lstat(existing);
            Object key = writtenLinkTargets.get(r.link());
            if (a == null || !a.isRegularFile() || (key != null && !key.equals(a.fileKey()))) {
                throw new UnsafeRestoreException(r.path(), "hard link target " + SafePaths.printable(r.link())
                        + " is no longer the file this restore wrote");
            }
            Path tmp = at(pfd, TMP_PREFIX + UUID.randomUUID());
            Files.createLink(tmp, existing);
            try {
                Files.move(tmp, at(pfd, name), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } finally {
                Files.deleteIfExists(tmp);
            }
        } finally {
            closeFd(tfd);
        }
    }

    private void applyMeta(int dirFd, String name, ManifestRecord r, boolean link) throws IOException {
        Path p = at(dirFd, name);
        if (options.setOwners()) {
            Files.setAttribute(p, "unix:uid", (int) r.uid(), LinkOption.NOFOLLOW_LINKS);
            Files.setAttribute(p, "unix:gid", (int) r.gid(), LinkOption.NOFOLLOW_LINKS);
        }
        if (!link) {
            int mode = options.preserveSetid() ? r.mode() : r.mode() & ~06000;
            Files.setAttribute(p, "unix:mode", mode, LinkOption.NOFOLLOW_LINKS);
        }
        // utimensat: nanoseconds, symlinks themselves, and times before 1970 (which the JDK clamps)
        if (LibC.setMtimeAt(dirFd, name, r.mtime())) {
            return;
        }
        FileTime t = FileTime.from(Instant.ofEpochSecond(Math.floorDiv(r.mtime(), 1_000_000_000L),
                Math.floorMod(r.mtime(), 1_000_000_000L)));
        Files.getFileAttributeView(p, BasicFileAttributeView.class, LinkOption.NOFOLLOW_LINKS).setTimes(t, null, null);
    }

    private void closeStreams(boolean checkEnds) throws IOException {
        IOException first = null;
        for (Stream s : open.values()) {
            try {
                closeStream(s, checkEnds && first == null);
            } catch (IOException e) {
                first = first == null ? e : first;
            }
        }
        open.clear();
        if (first != null) {
            throw first;
        }
    }

    /** Checks chunk ends, creates the symlinks, then applies directory metadata deepest first. */
    public void finish() throws IOException {
        closeStreams(true);
        for (ManifestRecord r : symlinks) {
            int pfd = parentFd(where(r.path()), true);
            String name = leaf(where(r.path()));
            clearForReplace(pfd, name, r);
            String tmpName = TMP_PREFIX + UUID.randomUUID();
            Path tmp = at(pfd, tmpName);
            Files.createSymbolicLink(tmp, Path.of(r.link()));
            try {
                applyMeta(pfd, tmpName, r, true);
                Files.move(tmp, at(pfd, name), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } finally {
                Files.deleteIfExists(tmp);
            }
            listener.restored(r);
        }
        symlinks.clear();
        for (int i = dirs.size() - 1; i >= 0; i--) {
            ManifestRecord r = dirs.get(i);
            int pfd = parentFd(where(r.path()), false);
            String name = leaf(where(r.path()));
            BasicFileAttributes a = lstat(at(pfd, name));
            if (a == null || !a.isDirectory()) {
                throw new UnsafeRestoreException(r.path(), "directory was replaced during restore");
            }
            applyMeta(pfd, name, r, false);
        }
        dirs.clear();
        dropCache();
    }

    @Override
    public void close() throws IOException {
        try {
            closeStreams(false);
        } finally {
            dropCache();
            closeFd(rootFd);
        }
    }

    /** True when this process runs as root (uid 0). */
    public static boolean isRoot() {
        try {
            Object uid = Files.getAttribute(Path.of("/proc/self"), "unix:uid");
            return Integer.valueOf(0).equals(uid);
        } catch (IOException | RuntimeException e) {
            return "root".equals(System.getProperty("user.name"));
        }
    }
}

package org.karchive.format;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
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
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

/**
 * Restores manifest records below a target directory from chunk tar streams, treating every byte of
 * the repository as hostile: each tar entry must match its (already validated) manifest record in
 * path, type and size; content is written to a temporary name, hashed as it is written and renamed
 * into place only when the SHA-256 matches; no existing symlink is ever traversed; hard links only
 * point at files this restore wrote; symlinks are created and directory metadata applied last.
 * Not thread-safe: feed records in manifest order from one thread.
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

    /**
     * Where a stored path goes on disk: relative to the target, possibly renamed (remapping). The
     * result must pass {@link SafePaths}; hard-link targets go through the same mapping.
     */
    public interface PathMapper {
        PathMapper IDENTITY = p -> p;

        String map(String storedPath);
    }

    static final String TMP_PREFIX = ".karchive-restore-";

    private final Path target;
    private final Options options;
    private final Listener listener;
    private final PathMapper mapper;
    private final ChunkSource source;
    private final Set<String> linkTargets;
    private final Set<String> writtenLinkTargets = new HashSet<>();
    private final List<ManifestRecord> dirs = new ArrayList<>();
    private final List<ManifestRecord> symlinks = new ArrayList<>();
    private final byte[] buf = new byte[1 << 20];

    /** Open chunk streams, most recently used last; incremental snapshots interleave chunks. */
    private final java.util.LinkedHashMap<String, TarArchiveInputStream> open =
            new java.util.LinkedHashMap<>(16, 0.75f, true);
    static final int MAX_OPEN_CHUNKS = 8;
    private TarArchiveInputStream tar;
    private long files;
    private long bytes;

    /**
     * @param linkTargets paths that hard links in the selection point at (from a validation pass)
     */
    public Extractor(Path target, Options options, ChunkSource source, Set<String> linkTargets, Listener listener)
            throws IOException {
        this(target, options, source, linkTargets, listener, PathMapper.IDENTITY);
    }

    /** As above, writing each stored path where {@code mapper} says (below the target). */
    public Extractor(Path target, Options options, ChunkSource source, Set<String> linkTargets, Listener listener,
                     PathMapper mapper) throws IOException {
        this.mapper = mapper;
        this.target = target.toAbsolutePath().normalize();
        Files.createDirectories(this.target);
        if (Files.isSymbolicLink(this.target)) {
            throw new IOException("restore target " + this.target + " is a symlink");
        }
        this.options = options;
        this.source = source;
        this.linkTargets = linkTargets;
        this.listener = listener;
    }

    public long files() {
        return files;
    }

    public long bytes() {
        return bytes;
    }

    /** Restores one record; its chunk is read forward from where the previous record left it. */
    public void restore(ManifestRecord r) throws IOException {
        TarArchiveEntry entry = seek(r);
        check(entry, r);
        switch (r.type()) {
            case DIR -> restoreDir(r);
            case FILE -> restoreFile(r, entry);
            case SYMLINK -> symlinks.add(r);
            case HARDLINK -> restoreHardlink(r);
            default -> throw new IllegalStateException();
        }
        listener.restored(r);
    }

    private TarArchiveEntry seek(ManifestRecord r) throws IOException {
        tar = open.get(r.chunk());
        if (tar == null) {
            if (open.size() >= MAX_OPEN_CHUNKS) {
                String eldest = open.keySet().iterator().next();
                open.remove(eldest).close();
            }
            tar = new TarArchiveInputStream(new FillingInputStream(openAt(r)), 512, 512, "UTF-8", false);
            open.put(r.chunk(), tar);
        }
        while (true) {
            TarArchiveEntry e;
            try {
                e = tar.getNextEntry();
            } catch (IOException | RuntimeException ex) {
                throw new FormatException("chunk " + r.chunk() + " is damaged near " + SafePaths.printable(r.path())
                        + ": " + ex.getMessage(), ex);
            }
            if (e == null) {
                throw new FormatException("chunk " + r.chunk() + " ends before the entry for "
                        + SafePaths.printable(r.path()));
            }
            String name = entryPath(e);
            int c = PathOrder.compare(name, r.path());
            if (c == 0) {
                return e;
            }
            if (c > 0) {
                throw new FormatException("chunk " + r.chunk() + " has no entry for " + SafePaths.printable(r.path())
                        + " (found " + SafePaths.printable(name) + ")");
            }
            // an entry this restore does not select: skip its data
        }
    }

    private InputStream openAt(ManifestRecord r) throws IOException {
        InputStream in = source.openTar(r.chunk(), r.frame());
        try {
            in.skipNBytes(r.offset());
        } catch (java.io.EOFException e) {
            in.close();
            throw new FormatException("chunk " + r.chunk() + " ends before the entry for "
                    + SafePaths.printable(r.path()));
        }
        return in;
    }

    static String entryPath(TarArchiveEntry e) {
        String n = e.getName();
        if (n.endsWith("/")) {
            n = n.substring(0, n.length() - 1);
        }
        return n;
    }

    private static void check(TarArchiveEntry e, ManifestRecord r) throws FormatException {
        EntryType t;
        if (e.isDirectory()) {
            t = EntryType.DIR;
        } else if (e.isSymbolicLink()) {
            t = EntryType.SYMLINK;
        } else if (e.isLink()) {
            t = EntryType.HARDLINK;
        } else if (e.isFile() && !e.isCharacterDevice() && !e.isBlockDevice() && !e.isFIFO()) {
            t = EntryType.FILE;
        } else {
            throw new FormatException("tar entry " + SafePaths.printable(r.path()) + " is a special file");
        }
        if (t != r.type()) {
            throw new FormatException("tar entry " + SafePaths.printable(r.path()) + " is a " + t.json()
                    + " but the manifest says " + r.type().json());
        }
        if (t == EntryType.FILE) {
            long size = e.isSparse() ? e.getRealSize() : e.getSize();
            if (size != r.size()) {
                throw new FormatException("tar entry " + SafePaths.printable(r.path()) + " has size " + size
                        + " but the manifest says " + r.size());
            }
        }
        if ((t == EntryType.SYMLINK || t == EntryType.HARDLINK) && !r.link().equals(e.getLinkName())) {
            throw new FormatException("tar entry " + SafePaths.printable(r.path())
                    + " links somewhere other than the manifest says");
        }
    }

    /** Resolves a stored path below the target, creating missing parents, never through a symlink. */
    private Path parentOf(String path) throws IOException {
        Path dir = target;
        String[] parts = path.split("/");
        for (int i = 0; i < parts.length - 1; i++) {
            dir = dir.resolve(parts[i]);
            BasicFileAttributes a = lstat(dir);
            if (a == null) {
                try {
                    Files.createDirectory(dir);
                } catch (FileAlreadyExistsException ex) {
                    a = lstat(dir);
                    if (a == null || !a.isDirectory()) {
                        throw new UnsafeRestoreException(path, "a parent changed during restore");
                    }
                }
            } else if (a.isSymbolicLink()) {
                throw new UnsafeRestoreException(path, "parent " + SafePaths.printable(target.relativize(dir)
                        .toString()) + " is a symlink; refusing to write through it");
            } else if (!a.isDirectory()) {
                throw new UnsafeRestoreException(path, "parent " + SafePaths.printable(target.relativize(dir)
                        .toString()) + " exists and is not a directory");
            }
        }
        return dir;
    }

    private static BasicFileAttributes lstat(Path p) throws IOException {
        try {
            return Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        } catch (NoSuchFileException e) {
            return null;
        }
    }

    private Path finalPath(String stored) throws IOException {
        String path = SafePaths.check(mapper.map(stored));
        Path parent = parentOf(path);
        String name = path.substring(path.lastIndexOf('/') + 1);
        return parent.resolve(name);
    }

    private void restoreDir(ManifestRecord r) throws IOException {
        Path p = finalPath(r.path());
        BasicFileAttributes a = lstat(p);
        if (a != null && !a.isDirectory()) {
            if (!options.overwrite()) {
                throw new RestoreConflictException(r.path());
            }
            Files.delete(p);
            a = null;
        }
        if (a == null) {
            Files.createDirectory(p);
        }
        dirs.add(r);
    }

    private void clearForReplace(Path p, ManifestRecord r) throws IOException {
        BasicFileAttributes a = lstat(p);
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

    private void restoreFile(ManifestRecord r, TarArchiveEntry entry) throws IOException {
        Path p = finalPath(r.path());
        clearForReplace(p, r);
        Path tmp = p.resolveSibling(TMP_PREFIX + UUID.randomUUID());
        boolean ok = false;
        try {
            MessageDigest sha = Sha256.newDigest();
            long n = 0;
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE,
                    LinkOption.NOFOLLOW_LINKS)) {
                boolean sparse = entry.isSparse();
                long limit = r.size();
                while (n < limit) {
                    int want = (int) Math.min(buf.length, limit - n);
                    int got;
                    try {
                        got = tar.read(buf, 0, want);
                    } catch (FormatException ex) {
                        throw ex;
                    } catch (IOException ex) {
                        throw new FormatException("chunk " + r.chunk() + " is damaged in "
                                + SafePaths.printable(r.path()) + ": " + ex.getMessage(), ex);
                    }
                    if (got < 0) {
                        throw new FormatException("chunk " + r.chunk() + ": entry " + SafePaths.printable(r.path())
                                + " is shorter than the manifest says");
                    }
                    sha.update(buf, 0, got);
                    if (sparse) {
                        writeSparse(ch, n, got);
                    } else {
                        ch.write(ByteBuffer.wrap(buf, 0, got), n);
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
            applyMeta(tmp, r, false);
            Files.move(tmp, p, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            ok = true;
            files++;
            bytes += n;
            if (linkTargets.contains(r.path())) {
                writtenLinkTargets.add(r.path());
            }
        } finally {
            if (!ok) {
                Files.deleteIfExists(tmp);
            }
        }
    }

    /** Writes a buffer, leaving holes where whole 4 KiB blocks are zero. */
    private void writeSparse(FileChannel ch, long pos, int len) throws IOException {
        int block = 4096;
        int i = 0;
        while (i < len) {
            int n = Math.min(block, len - i);
            boolean zero = true;
            for (int k = i; k < i + n; k++) {
                if (buf[k] != 0) {
                    zero = false;
                    break;
                }
            }
            if (!zero) {
                ch.write(ByteBuffer.wrap(buf, i, n), pos + i);
            }
            i += n;
        }
    }

    private void restoreHardlink(ManifestRecord r) throws IOException {
        if (!writtenLinkTargets.contains(r.link())) {
            throw new UnsafeRestoreException(r.path(), "hard link to " + SafePaths.printable(r.link())
                    + ", which this restore did not write");
        }
        Path p = finalPath(r.path());
        clearForReplace(p, r);
        Path existing = finalPath(r.link());
        BasicFileAttributes a = lstat(existing);
        if (a == null || !a.isRegularFile()) {
            throw new UnsafeRestoreException(r.path(), "hard link target is not a regular file");
        }
        Path tmp = p.resolveSibling(TMP_PREFIX + UUID.randomUUID());
        Files.createLink(tmp, existing);
        try {
            Files.move(tmp, p, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    private void applyMeta(Path p, ManifestRecord r, boolean link) throws IOException {
        if (options.setOwners()) {
            Files.setAttribute(p, "unix:uid", (int) r.uid(), LinkOption.NOFOLLOW_LINKS);
            Files.setAttribute(p, "unix:gid", (int) r.gid(), LinkOption.NOFOLLOW_LINKS);
        }
        if (!link) {
            int mode = options.preserveSetid() ? r.mode() : r.mode() & ~06000;
            Files.setAttribute(p, "unix:mode", mode, LinkOption.NOFOLLOW_LINKS);
        }
        // utimensat: nanoseconds, symlinks themselves, and times before 1970 (which the JDK clamps)
        if (LibC.setMtimeNoFollow(p.toString(), r.mtime())) {
            return;
        }
        FileTime t = FileTime.from(Instant.ofEpochSecond(Math.floorDiv(r.mtime(), 1_000_000_000L),
                Math.floorMod(r.mtime(), 1_000_000_000L)));
        Files.getFileAttributeView(p, BasicFileAttributeView.class, LinkOption.NOFOLLOW_LINKS).setTimes(t, null, null);
    }

    private void closeChunk() throws IOException {
        IOException first = null;
        for (TarArchiveInputStream t : open.values()) {
            try {
                t.close();
            } catch (IOException e) {
                first = first == null ? e : first;
            }
        }
        open.clear();
        tar = null;
        if (first != null) {
            throw first;
        }
    }

    /** Creates the symlinks, then applies directory metadata deepest first. */
    public void finish() throws IOException {
        closeChunk();
        for (ManifestRecord r : symlinks) {
            Path p = finalPath(r.path());
            clearForReplace(p, r);
            Path tmp = p.resolveSibling(TMP_PREFIX + UUID.randomUUID());
            Files.createSymbolicLink(tmp, Path.of(r.link()));
            try {
                applyMeta(tmp, r, true);
                Files.move(tmp, p, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } finally {
                Files.deleteIfExists(tmp);
            }
            listener.restored(r);
        }
        symlinks.clear();
        for (int i = dirs.size() - 1; i >= 0; i--) {
            ManifestRecord r = dirs.get(i);
            Path p = finalPath(r.path());
            BasicFileAttributes a = lstat(p);
            if (a == null || !a.isDirectory()) {
                throw new UnsafeRestoreException(r.path(), "directory was replaced during restore");
            }
            applyMeta(p, r, false);
        }
        dirs.clear();
    }

    @Override
    public void close() throws IOException {
        closeChunk();
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

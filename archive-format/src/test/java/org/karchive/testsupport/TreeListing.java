package org.karchive.testsupport;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;

/**
 * A full metadata listing of a tree, for comparing a source tree with a restored one: one entry
 * per path, sorted by the UTF-8 bytes of the relative path, with type, mode (all twelve bits),
 * owner, size, mtime in nanoseconds, symlink target, SHA-256 of file content and a hard-link
 * group. Symlinks are never followed (their own lstat'd metadata is listed); atime and ctime are
 * never compared; directory sizes are not listed (they depend on the filesystem).
 *
 * <p>A hard-link group is labelled by the first path (in listing order) of the files in the tree
 * that share one inode, so listings of different trees compare equal when the same paths are
 * linked together. A file whose other links lie outside the listed tree gets no label.
 */
public final class TreeListing {
    public enum Type { FILE, DIR, SYMLINK, OTHER }

    /**
     * What to compare. {@code owners}: list uid:gid (default: only when running as root, since
     * nobody else can restore them). {@code specialFiles}: list FIFOs, sockets and devices
     * (default yes; turn off to compare with a restore that skipped them).
     */
    public record Options(boolean owners, boolean specialFiles) {
        public static Options defaults() {
            return new Options(KaapanaCorpus.runningAsRoot(), true);
        }

        public Options withOwners(boolean owners) {
            return new Options(owners, specialFiles);
        }

        public Options withSpecialFiles(boolean specialFiles) {
            return new Options(owners, specialFiles);
        }
    }

    /**
     * One path. {@code path} is relative to the listing root with '/' separators; {@code size} is
     * -1 for directories and special files; {@code target} is set for symlinks, {@code sha256} for
     * readable regular files ("unreadable" otherwise), {@code linkGroup} for hard-linked files.
     */
    public record Entry(String path, Type type, int mode, int uid, int gid, long size, long mtimeNanos,
            String target, String sha256, String linkGroup) {
        public Entry {
            Objects.requireNonNull(path, "path");
            Objects.requireNonNull(type, "type");
        }

        /** Tab-separated, with path and target escaped so a line never holds a tab or newline. */
        public String line(boolean owners) {
            String content = switch (type) {
                case SYMLINK -> "-> " + escape(target);
                case FILE -> "sha256:" + sha256;
                default -> "-";
            };
            return escape(path) + '\t' + type.name().toLowerCase() + '\t' + String.format("%04o", mode) + '\t'
                    + (owners ? uid + ":" + gid : "-") + '\t' + (size < 0 ? "-" : Long.toString(size)) + '\t'
                    + mtimeNanos + '\t' + content + '\t' + (linkGroup == null ? "-" : "link:" + escape(linkGroup));
        }
    }

    /** The unix view without owner and group names, whose lookups are slow and not compared. */
    private static final String ATTRIBUTES =
            "unix:mode,uid,gid,ino,dev,nlink,size,lastModifiedTime,isSymbolicLink,isDirectory,isRegularFile";

    private final List<Entry> entries;
    private final Options options;

    private TreeListing(List<Entry> entries, Options options) {
        this.entries = List.copyOf(entries);
        this.options = options;
    }

    /** Everything strictly below {@code root}, with default options. */
    public static TreeListing of(Path root) throws IOException {
        return of(root, null, Options.defaults());
    }

    /** {@code sub} (relative to {@code root}, or absolute inside it) and everything below it. */
    public static TreeListing of(Path root, Path sub) throws IOException {
        return of(root, sub, Options.defaults());
    }

    public static TreeListing of(Path root, Path sub, Options options) throws IOException {
        Path base = root.toAbsolutePath().normalize();
        Path start = sub == null ? base : base.resolve(sub).normalize();
        if (!start.startsWith(base)) {
            throw new IllegalArgumentException(sub + " is not inside " + root);
        }
        List<Entry> list = new ArrayList<>();
        Map<Object, List<Integer>> inodes = new HashMap<>();
        Files.walkFileTree(start, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
                if (!dir.equals(base)) {
                    add(dir);
                }
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                add(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException exc) throws IOException {
                throw exc;
            }

            private void add(Path p) throws IOException {
                Map<String, Object> a = Files.readAttributes(p, ATTRIBUTES, LinkOption.NOFOLLOW_LINKS);
                Type type = Boolean.TRUE.equals(a.get("isSymbolicLink")) ? Type.SYMLINK
                        : Boolean.TRUE.equals(a.get("isDirectory")) ? Type.DIR
                        : Boolean.TRUE.equals(a.get("isRegularFile")) ? Type.FILE : Type.OTHER;
                if (type == Type.OTHER && !options.specialFiles()) {
                    return;
                }
                String rel = base.relativize(p).toString();
                long size = type == Type.FILE || type == Type.SYMLINK ? (Long) a.get("size") : -1;
                String target = type == Type.SYMLINK ? Files.readSymbolicLink(p).toString() : null;
                String sha = type == Type.FILE ? sha256(p) : null;
                int nlink = (Integer) a.get("nlink");
                if (type != Type.DIR && nlink > 1) {
                    inodes.computeIfAbsent(List.of(a.get("dev"), a.get("ino")), k -> new ArrayList<>()).add(list.size());
                }
                list.add(new Entry(rel, type, (Integer) a.get("mode") & 07777, (Integer) a.get("uid"),
                        (Integer) a.get("gid"), size, nanos((FileTime) a.get("lastModifiedTime")), target, sha, null));
            }
        });
        for (List<Integer> group : inodes.values()) {
            if (group.size() < 2) {
                continue;
            }
            String label = group.stream().map(i -> list.get(i).path()).min(TreeListing::compareBytes).orElseThrow();
            for (int i : group) {
                Entry e = list.get(i);
                list.set(i, new Entry(e.path(), e.type(), e.mode(), e.uid(), e.gid(), e.size(), e.mtimeNanos(),
                        e.target(), e.sha256(), label));
            }
        }
        list.sort(Comparator.comparing(Entry::path, TreeListing::compareBytes));
        return new TreeListing(list, options);
    }

    public List<Entry> entries() {
        return entries;
    }

    /** The entry for a relative path, or null. */
    public Entry get(String path) {
        for (Entry e : entries) {
            if (e.path().equals(path)) {
                return e;
            }
        }
        return null;
    }

    /** One line per entry, as {@link Entry#line(boolean)} with this listing's owner option. */
    public List<String> lines() {
        List<String> out = new ArrayList<>(entries.size());
        for (Entry e : entries) {
            out.add(e.line(options.owners()));
        }
        return out;
    }

    /**
     * Human-readable differences (empty when equal): "- line" only here, "+ line" only in
     * {@code other}, in path order. Owners are compared only if both listings list them.
     */
    public List<String> diff(TreeListing other) {
        boolean owners = options.owners() && other.options.owners();
        Map<String, String> mine = byPath(this, owners);
        Map<String, String> theirs = byPath(other, owners);
        TreeSet<String> paths = new TreeSet<>(TreeListing::compareBytes);
        paths.addAll(mine.keySet());
        paths.addAll(theirs.keySet());
        List<String> out = new ArrayList<>();
        for (String p : paths) {
            String a = mine.get(p);
            String b = theirs.get(p);
            if (!Objects.equals(a, b)) {
                if (a != null) {
                    out.add("- " + a);
                }
                if (b != null) {
                    out.add("+ " + b);
                }
            }
        }
        return out;
    }

    private static Map<String, String> byPath(TreeListing l, boolean owners) {
        Map<String, String> m = new LinkedHashMap<>();
        for (Entry e : l.entries) {
            m.put(e.path(), e.line(owners));
        }
        return m;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TreeListing t && lines().equals(t.lines());
    }

    @Override
    public int hashCode() {
        return lines().hashCode();
    }

    @Override
    public String toString() {
        return String.join("\n", lines());
    }

    static int compareBytes(String a, String b) {
        return Arrays.compareUnsigned(a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));
    }

    static long nanos(FileTime t) {
        Instant i = t.toInstant();
        return Math.addExact(Math.multiplyExact(i.getEpochSecond(), 1_000_000_000L), i.getNano());
    }

    /** Backslash, control characters and DEL as escapes; everything else (UTF-8 too) as is. */
    static String escape(String s) {
        StringBuilder sb = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\t' -> sb.append("\\t");
                default -> {
                    if (c < 0x20 || c == 0x7f) {
                        sb.append(String.format("\\x%02x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        return sb.toString();
    }

    private static String sha256(Path p) throws IOException {
        MessageDigest md;
        try {
            md = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        try (FileChannel ch = FileChannel.open(p, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS)) {
            ByteBuffer buf = ByteBuffer.allocate(1 << 20);
            while (ch.read(buf) >= 0) {
                buf.flip();
                md.update(buf);
                buf.clear();
            }
        } catch (AccessDeniedException e) {
            return "unreadable";
        }
        return HexFormat.of().formatHex(md.digest());
    }
}

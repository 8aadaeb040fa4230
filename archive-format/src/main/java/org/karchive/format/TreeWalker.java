package org.karchive.format;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * Walks source trees depth first, each directory's names in byte order, yielding entries in
 * {@link PathOrder}. Never follows symlinks below a root; a root that is itself a symlink is
 * followed (the user named it). Problems (unreadable directories, vanished files, names that are
 * not valid UTF-8) are reported to the listener and the walk goes on. Memory: one directory listing
 * per level of the current path.
 */
public final class TreeWalker {
    /** Receives what the walk had to leave out. */
    public interface Problems {
        void skipped(String path, String reason);
    }

    private final List<Path> roots;
    private final Predicate<String> excluded;
    private final Problems problems;

    /**
     * @param roots    absolute, normalised paths, none inside another
     * @param excluded returns true for stored paths to leave out (with their subtrees)
     */
    public TreeWalker(List<Path> roots, Predicate<String> excluded, Problems problems) {
        this(roots, excluded, problems, Path.of("/"));
    }

    /** Like the other constructor, but stored paths are relative to {@code base} (a restored tree). */
    public TreeWalker(List<Path> roots, Predicate<String> excluded, Problems problems, Path base) {
        this.base = base.toAbsolutePath().normalize();
        List<Path> sorted = new ArrayList<>(roots);
        sorted.sort((a, b) -> PathOrder.compare(storedOf(a), storedOf(b)));
        this.roots = sorted;
        this.excluded = excluded;
        this.problems = problems;
    }

    private final Path base;

    private String storedOf(Path p) {
        return base.relativize(p.toAbsolutePath().normalize()).toString();
    }

    /** The stored path of an absolute path: without the leading '/'. */
    public static String stored(Path absolute) {
        String s = absolute.toString();
        return s.startsWith("/") ? s.substring(1) : s;
    }

    /** Visits every entry in order. */
    public void walk(EntryVisitor visitor) throws IOException {
        for (Path root : roots) {
            SourceEntry e = stat(root, true);
            if (e == null) {
                continue;
            }
            if (!e.path().isEmpty()) {
                visitor.visit(e);
            }
            if (e.kind() == EntryType.DIR) {
                walkDir(root, visitor);
            }
        }
    }

    /** Callback for each entry. */
    public interface EntryVisitor {
        void visit(SourceEntry e) throws IOException;
    }

    private void walkDir(Path root, EntryVisitor visitor) throws IOException {
        Deque<Iterator<Path>> stack = new ArrayDeque<>();
        Iterator<Path> first = list(root);
        if (first == null) {
            return;
        }
        stack.push(first);
        while (!stack.isEmpty()) {
            Iterator<Path> it = stack.peek();
            if (!it.hasNext()) {
                stack.pop();
                continue;
            }
            Path p = it.next();
            SourceEntry e = stat(p, false);
            if (e == null) {
                continue;
            }
            visitor.visit(e);
            if (e.kind() == EntryType.DIR) {
                Iterator<Path> children = list(p);
                if (children != null) {
                    stack.push(children);
                }
            }
        }
    }

    private Iterator<Path> list(Path dir) {
        List<Path> children = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
            for (Path c : ds) {
                String name = c.getFileName().toString();
                String stored = storedOf(c);
                String bad = SafePaths.problem(stored);
                if (bad != null) {
                    problems.skipped(stored, "name cannot be stored (" + bad + ")");
                    continue;
                }
                if (excluded.test(stored)) {
                    continue;
                }
                children.add(c);
                assert !name.isEmpty();
            }
        } catch (IOException | SecurityException e) {
            problems.skipped(storedOf(dir), "cannot list directory: " + describe(e));
            return null;
        }
        children.sort((a, b) -> PathOrder.compareNames(a.getFileName().toString(), b.getFileName().toString()));
        return children.iterator();
    }

    private SourceEntry stat(Path p, boolean followRoot) {
        String stored = storedOf(p);
        Map<String, Object> a;
        try {
            LinkOption[] opts = followRoot ? new LinkOption[0] : new LinkOption[] {LinkOption.NOFOLLOW_LINKS};
            a = Files.readAttributes(p, "unix:mode,ino,dev,nlink,uid,gid,ctime,size,lastModifiedTime", opts);
        } catch (IOException | SecurityException e) {
            problems.skipped(stored, "cannot read attributes: " + describe(e));
            return null;
        }
        int mode = (Integer) a.get("mode");
        int fmt = mode & 0170000;
        EntryType kind;
        switch (fmt) {
            case 0100000 -> kind = EntryType.FILE;
            case 0040000 -> kind = EntryType.DIR;
            case 0120000 -> kind = EntryType.SYMLINK;
            default -> {
                problems.skipped(stored, "special file (" + special(fmt) + ") not archived");
                return null;
            }
        }
        long mtime = toNanos((FileTime) a.get("lastModifiedTime"));
        long ctime = toNanos((FileTime) a.get("ctime"));
        long size = kind == EntryType.FILE ? (Long) a.get("size") : 0;
        return new SourceEntry(p, stored, kind, size, mode & 07777, ((Integer) a.get("uid")) & 0xffffffffL,
                ((Integer) a.get("gid")) & 0xffffffffL, mtime, (Long) a.get("ino"), (Long) a.get("dev"),
                ((Integer) a.get("nlink")).longValue(), ctime);
    }

    private static String special(int fmt) {
        return switch (fmt) {
            case 0140000 -> "socket";
            case 0010000 -> "FIFO";
            case 0020000 -> "character device";
            case 0060000 -> "block device";
            default -> "unknown type";
        };
    }

    static long toNanos(FileTime t) {
        java.time.Instant i = t.toInstant();
        return Math.addExact(Math.multiplyExact(i.getEpochSecond(), 1_000_000_000L), i.getNano());
    }

    static String describe(Throwable e) {
        String cls = e.getClass().getSimpleName().replace("Exception", "");
        String msg = e.getMessage();
        if (e instanceof java.nio.file.AccessDeniedException) {
            return "permission denied";
        }
        if (e instanceof java.nio.file.NoSuchFileException) {
            return "vanished";
        }
        return msg == null ? cls : cls + ": " + msg;
    }
}

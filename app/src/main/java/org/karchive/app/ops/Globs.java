package org.karchive.app.ops;

import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * Glob patterns over stored paths, shared by archive --exclude and restore --include/--exclude: a
 * pattern without '/' matches a name (the last component), one with '/' the whole stored path (a
 * leading '/' is ignored).
 */
public final class Globs {
    private Globs() {
    }

    public static Predicate<String> matcher(List<String> globs) {
        if (globs == null || globs.isEmpty()) {
            return s -> false;
        }
        List<PathMatcher> names = new ArrayList<>();
        List<PathMatcher> whole = new ArrayList<>();
        for (String g : globs) {
            String pattern = g.startsWith("/") ? g.substring(1) : g;
            (pattern.contains("/") ? whole : names).add(FileSystems.getDefault().getPathMatcher("glob:" + pattern));
        }
        return stored -> {
            Path p = Path.of(stored);
            Path name = p.getFileName();
            for (PathMatcher m : names) {
                if (name != null && m.matches(name)) {
                    return true;
                }
            }
            for (PathMatcher m : whole) {
                if (m.matches(p)) {
                    return true;
                }
            }
            return false;
        };
    }
}

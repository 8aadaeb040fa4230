package org.karchive.app.ops;

import java.util.ArrayList;
import java.util.List;
import org.karchive.format.PathOrder;

/** Which stored paths a restore or listing covers: everything, or the subtrees given by --path. */
public final class Selection {
    private final List<String> prefixes;
    private final java.util.function.Predicate<String> included;
    private final java.util.function.Predicate<String> excluded;

    private Selection(List<String> prefixes) {
        this(prefixes, null, null);
    }

    private Selection(List<String> prefixes, java.util.function.Predicate<String> included,
                      java.util.function.Predicate<String> excluded) {
        this.prefixes = prefixes;
        this.included = included;
        this.excluded = excluded;
    }

    /**
     * --path subtrees narrowed by --include / --exclude globs. A pattern without '/' matches a
     * name, one with '/' a whole stored path; a match on a directory covers everything below it.
     * With includes, only matching entries (and what lies below matching directories) are selected;
     * excludes then take entries out.
     */
    public static Selection of(List<String> paths, List<String> includes, List<String> excludes) {
        Selection base = of(paths);
        return new Selection(base.prefixes, includes == null || includes.isEmpty() ? null : Globs.matcher(includes),
                excludes == null || excludes.isEmpty() ? null : Globs.matcher(excludes));
    }

    private static boolean selfOrAncestor(String path, java.util.function.Predicate<String> m) {
        String p = path;
        while (true) {
            if (m.test(p)) {
                return true;
            }
            int slash = p.lastIndexOf('/');
            if (slash < 0) {
                return false;
            }
            p = p.substring(0, slash);
        }
    }

    /** From user input: absolute ("/home/x") or stored ("home/x") forms, trailing slashes ignored. */
    public static Selection of(List<String> paths) {
        List<String> p = new ArrayList<>();
        if (paths != null) {
            for (String s : paths) {
                String t = s;
                while (t.startsWith("/")) {
                    t = t.substring(1);
                }
                while (t.endsWith("/")) {
                    t = t.substring(0, t.length() - 1);
                }
                if (t.isEmpty()) {
                    return new Selection(List.of());
                }
                p.add(t);
            }
        }
        return new Selection(List.copyOf(p));
    }

    public boolean all() {
        return prefixes.isEmpty();
    }

    public boolean includes(String path) {
        if (included != null && !selfOrAncestor(path, included)) {
            return false;
        }
        if (excluded != null && selfOrAncestor(path, excluded)) {
            return false;
        }
        if (prefixes.isEmpty()) {
            return true;
        }
        for (String p : prefixes) {
            if (PathOrder.isWithin(path, p)) {
                return true;
            }
        }
        return false;
    }

    public List<String> prefixes() {
        return prefixes;
    }
}

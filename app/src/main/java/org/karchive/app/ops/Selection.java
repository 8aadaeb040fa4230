package org.karchive.app.ops;

import java.util.ArrayList;
import java.util.List;
import org.karchive.format.PathOrder;

/** Which stored paths a restore or listing covers: everything, or the subtrees given by --path. */
public final class Selection {
    private final List<String> prefixes;

    private Selection(List<String> prefixes) {
        this.prefixes = prefixes;
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

package org.karchive.format;

import java.nio.charset.StandardCharsets;
import java.util.Comparator;

/**
 * The one order of paths in karchive: component by component, each name compared by its UTF-8
 * bytes (unsigned). It is the order of a depth-first walk that visits the names of each directory
 * in byte order, so a directory comes right before its contents. Manifests, chunks and walks all
 * use it. Implemented as a byte comparison in which '/' sorts below every other byte.
 */
public final class PathOrder {
    private PathOrder() {
    }

    public static final Comparator<String> COMPARATOR = PathOrder::compare;

    public static int compare(String a, String b) {
        // UTF-8 byte order is code point order, which is UTF-16 order unless a surrogate is involved:
        // compare chars without encoding, and encode only for such a pair
        int n = Math.min(a.length(), b.length());
        for (int i = 0; i < n; i++) {
            char x = a.charAt(i);
            char y = b.charAt(i);
            if (x != y) {
                if (Character.isSurrogate(x) || Character.isSurrogate(y)) {
                    return compare(a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));
                }
                return Integer.compare(x == '/' ? 0 : x, y == '/' ? 0 : y);
            }
        }
        return Integer.compare(a.length(), b.length());
    }

    public static int compare(byte[] a, byte[] b) {
        int n = Math.min(a.length, b.length);
        for (int i = 0; i < n; i++) {
            int x = key(a[i]);
            int y = key(b[i]);
            if (x != y) {
                return Integer.compare(x, y);
            }
        }
        return Integer.compare(a.length, b.length);
    }

    private static int key(byte b) {
        return b == '/' ? 0 : (b & 0xff);
    }

    /** Compares two single names (no '/') by UTF-8 bytes. */
    public static int compareNames(String a, String b) {
        return compare(a, b);
    }

    /** True when {@code path} equals {@code prefix} or lies below it. */
    public static boolean isWithin(String path, String prefix) {
        return path.equals(prefix) || (path.startsWith(prefix) && path.charAt(prefix.length()) == '/');
    }
}

package org.karchive.store;

/** Validation of object keys, shared by every store. */
public final class Keys {
    private Keys() {
    }

    /** Throws unless {@code key} is a relative, '/'-separated key without empty, '.' or '..' parts. */
    public static String check(String key) {
        if (key == null || key.isEmpty() || key.startsWith("/") || key.endsWith("/")) {
            throw new IllegalArgumentException("invalid object key: " + key);
        }
        for (String part : key.split("/", -1)) {
            if (part.isEmpty() || part.equals(".") || part.equals("..")) {
                throw new IllegalArgumentException("invalid object key: " + key);
            }
        }
        for (int i = 0; i < key.length(); i++) {
            char c = key.charAt(i);
            if (c < 0x20 || c > 0x7e || c == '\\') {
                throw new IllegalArgumentException("invalid object key: " + key);
            }
        }
        return key;
    }
}

package org.karchive.store;

import java.util.HexFormat;

/** What a committed upload stored: key, size in bytes, lower-case hex SHA-256 of the bytes. */
public record StoredObject(String key, long size, String sha256) {
    public StoredObject {
        if (key == null || key.isEmpty()) {
            throw new IllegalArgumentException("empty key");
        }
        if (size < 0) {
            throw new IllegalArgumentException("negative size");
        }
        if (sha256 == null || sha256.length() != 64) {
            throw new IllegalArgumentException("sha256 must be 64 hex digits");
        }
        HexFormat.of().parseHex(sha256);
    }
}

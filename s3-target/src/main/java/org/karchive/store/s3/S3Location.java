package org.karchive.store.s3;

import org.karchive.store.Keys;

/**
 * A bucket and a key prefix inside it, parsed from {@code s3://bucket/prefix}. The prefix has no
 * leading or trailing slash and may be empty.
 */
public record S3Location(String bucket, String prefix) {
    public S3Location {
        if (bucket == null || !bucket.matches("[a-z0-9][a-z0-9.\\-_]{2,254}")) {
            throw new IllegalArgumentException("invalid bucket name: " + bucket);
        }
        if (prefix == null) {
            prefix = "";
        }
        if (!prefix.isEmpty()) {
            Keys.check(prefix);
        }
    }

    /** Parses {@code s3://bucket} or {@code s3://bucket/some/prefix/} (trailing slash optional). */
    public static S3Location parse(String url) {
        if (url == null || !url.startsWith("s3://")) {
            throw new IllegalArgumentException("not an s3:// URL: " + url);
        }
        String rest = url.substring("s3://".length());
        int slash = rest.indexOf('/');
        String bucket = slash < 0 ? rest : rest.substring(0, slash);
        String prefix = slash < 0 ? "" : rest.substring(slash + 1);
        while (prefix.endsWith("/")) {
            prefix = prefix.substring(0, prefix.length() - 1);
        }
        if (bucket.isEmpty()) {
            throw new IllegalArgumentException("no bucket in " + url + ": use s3://bucket/prefix");
        }
        return new S3Location(bucket, prefix);
    }

    /** The S3 key of a store key. */
    public String keyOf(String storeKey) {
        Keys.check(storeKey);
        return prefix.isEmpty() ? storeKey : prefix + "/" + storeKey;
    }

    /** The S3 key prefix for listing store keys that start with {@code storePrefix}. */
    public String listPrefix(String storePrefix) {
        return prefix.isEmpty() ? storePrefix : prefix + "/" + storePrefix;
    }

    /** The store key of an S3 key under this location, or null when it is outside. */
    public String storeKeyOf(String s3Key) {
        if (prefix.isEmpty()) {
            return s3Key;
        }
        String p = prefix + "/";
        return s3Key.startsWith(p) && s3Key.length() > p.length() ? s3Key.substring(p.length()) : null;
    }

    @Override
    public String toString() {
        return "s3://" + bucket + (prefix.isEmpty() ? "" : "/" + prefix);
    }
}

package org.karchive.store;

/** Which S3 client library talks to the endpoint. */
public enum ClientKind {
    /** AWS SDK for Java v2 (sync client, Apache HttpClient 5). The default. */
    AWS,
    /** MinIO Java SDK; parts are still uploaded in parallel by karchive. */
    MINIO;

    /** Parses {@code aws} or {@code minio}, case-insensitive. */
    public static ClientKind parse(String s) {
        for (ClientKind k : values()) {
            if (k.name().equalsIgnoreCase(s.trim())) {
                return k;
            }
        }
        throw new IllegalArgumentException("unknown S3 client '" + s + "': use aws or minio");
    }
}

package org.karchive.store;

/**
 * Explicit S3 credentials for programmatic callers and tests (e.g. the embedded test server).
 * The command line must never fill this in: users give credentials through the AWS default
 * chain (environment, profile). {@link #toString()} never shows the secret or the token.
 */
public record StaticCredentials(String accessKeyId, String secretAccessKey, String sessionToken) {
    public StaticCredentials {
        if (accessKeyId == null || accessKeyId.isEmpty() || secretAccessKey == null || secretAccessKey.isEmpty()) {
            throw new IllegalArgumentException("access key id and secret are required");
        }
    }

    public StaticCredentials(String accessKeyId, String secretAccessKey) {
        this(accessKeyId, secretAccessKey, null);
    }

    @Override
    public String toString() {
        return "StaticCredentials[accessKeyId=" + accessKeyId + ", secretAccessKey=****"
                + (sessionToken == null ? "" : ", sessionToken=****") + "]";
    }
}

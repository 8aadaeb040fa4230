package org.karchive.store;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.util.Map;
import org.karchive.store.s3.AwsS3ObjectStore;
import org.karchive.store.s3.MinioObjectStore;
import org.karchive.store.s3.S3Location;

/**
 * Opens the {@link ObjectStore} a repository URL names. The one entry point for the application:
 * <ul>
 *   <li>{@code file:///abs/path}: a {@link LocalDirectoryStore} (created if missing);</li>
 *   <li>{@code s3://bucket/prefix}: an S3 store ({@link StoreConfig#client()} picks the SDK);
 *       endpoint, region and CA bundle fall back to the environment as {@link StoreConfig} says,
 *       credentials come from the AWS default chain unless {@link StoreConfig#credentials()} is set.</li>
 * </ul>
 * Opening does not contact S3 unless {@link StoreConfig#createBucket()} is set; the first request
 * reports a wrong endpoint, credentials or bucket as the matching {@link StoreException} subclass.
 */
public final class ObjectStores {
    private ObjectStores() {
    }

    public static ObjectStore open(String repoUrl, StoreConfig config) throws IOException {
        return open(repoUrl, config, System.getenv());
    }

    /** As {@link #open(String, StoreConfig)} with an explicit environment (for tests). */
    public static ObjectStore open(String repoUrl, StoreConfig config, Map<String, String> env) throws IOException {
        if (repoUrl == null || repoUrl.isBlank()) {
            throw new IllegalArgumentException("no repository URL: use file:///abs/path or s3://bucket/prefix");
        }
        if (repoUrl.startsWith("file:")) {
            URI u = URI.create(repoUrl);
            if (u.getAuthority() != null && !u.getAuthority().isEmpty() && !"localhost".equals(u.getAuthority())) {
                throw new IllegalArgumentException("file URL with a host: " + repoUrl + ": use file:///abs/path");
            }
            if (u.getPath() == null || !u.getPath().startsWith("/")) {
                throw new IllegalArgumentException("file URL needs an absolute path: " + repoUrl
                        + ": use file:///abs/path");
            }
            return new LocalDirectoryStore(Path.of(u.getPath()));
        }
        if (repoUrl.startsWith("s3://")) {
            S3Location loc = S3Location.parse(repoUrl);
            return switch (config.client()) {
                case AWS -> AwsS3ObjectStore.open(loc, config, env, null, java.util.List.of());
                case MINIO -> MinioObjectStore.open(loc, config, env, null);
            };
        }
        throw new IllegalArgumentException("unsupported repository URL " + repoUrl
                + ": use file:///abs/path or s3://bucket/prefix");
    }
}

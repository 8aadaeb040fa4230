package org.karchive.store;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;

/**
 * Options for opening a repository's object store. All defaults live in {@link #defaults()};
 * change one with the {@code with...} methods. Fields left {@code null} are resolved from the
 * environment when the store is opened (see each accessor).
 *
 * @param endpoint S3 endpoint; null = {@code AWS_ENDPOINT_URL_S3}, then {@code AWS_ENDPOINT_URL},
 *     else AWS S3 of the region
 * @param region signing region; null = {@code AWS_REGION}, else {@code us-east-1}
 * @param client which S3 SDK to use
 * @param checksumMode upload integrity mode ({@link ChecksumMode#AUTO}: MD5 for custom endpoints)
 * @param pathStyle path-style addressing; null = true for custom endpoints, false for AWS
 * @param partSize multipart part size in bytes (5 MiB to {@link #MAX_PART_SIZE}); raised
 *     automatically per object when an expected size needs more than 10,000 parts
 * @param partsInFlight parts uploaded concurrently per object; memory per upload is about
 *     (partsInFlight + 1) x partSize
 * @param maxAttempts attempts per request (1 = no retry) on transient failures
 * @param retryBaseDelay first backoff delay; doubles per attempt (with jitter), capped at 20 s
 * @param caCertFile PEM bundle of trusted CAs for TLS; null = {@code AWS_CA_BUNDLE}, else the JDK's
 * @param storageClass S3 storage class for new objects, or null for the bucket default
 * @param sse server-side encryption: null, {@code AES256} or {@code aws:kms}
 * @param sseKmsKeyId KMS key id for {@code aws:kms}, or null for the account default
 * @param createBucket create the bucket when it does not exist
 * @param credentials explicit credentials for programmatic callers and tests only; null (the CLI
 *     always) = the AWS default chain (env, system properties, profile, ...)
 */
public record StoreConfig(
        URI endpoint,
        String region,
        ClientKind client,
        ChecksumMode checksumMode,
        Boolean pathStyle,
        long partSize,
        int partsInFlight,
        int maxAttempts,
        Duration retryBaseDelay,
        Path caCertFile,
        String storageClass,
        String sse,
        String sseKmsKeyId,
        boolean createBucket,
        StaticCredentials credentials) {

    public static final long MIB = 1024L * 1024;
    public static final long MIN_PART_SIZE = 5 * MIB;
    /** Parts are buffered in byte arrays, so the S3 limit of 5 GiB is not reachable here. */
    public static final long MAX_PART_SIZE = 2047 * MIB;
    public static final int MAX_PARTS = 10_000;
    public static final long DEFAULT_PART_SIZE = 8 * MIB;
    public static final String DEFAULT_REGION = "us-east-1";

    public StoreConfig {
        if (client == null || checksumMode == null || retryBaseDelay == null) {
            throw new IllegalArgumentException("client, checksumMode and retryBaseDelay are required");
        }
        if (partSize < MIN_PART_SIZE || partSize > MAX_PART_SIZE) {
            throw new IllegalArgumentException("part size must be between 5 MiB and " + MAX_PART_SIZE / MIB
                    + " MiB, was " + partSize);
        }
        if (partsInFlight < 1 || partsInFlight > 64) {
            throw new IllegalArgumentException("parts in flight must be 1..64, was " + partsInFlight);
        }
        if (maxAttempts < 1 || maxAttempts > 20) {
            throw new IllegalArgumentException("max attempts must be 1..20, was " + maxAttempts);
        }
        if (retryBaseDelay.isNegative()) {
            throw new IllegalArgumentException("negative retry delay");
        }
        if (sse != null && !sse.equals("AES256") && !sse.equals("aws:kms")) {
            throw new IllegalArgumentException("server-side encryption must be AES256 or aws:kms, was " + sse);
        }
        if (sseKmsKeyId != null && !"aws:kms".equals(sse)) {
            throw new IllegalArgumentException("a KMS key id needs sse=aws:kms");
        }
        if (endpoint != null && (endpoint.getScheme() == null || endpoint.getHost() == null
                || !(endpoint.getScheme().equals("http") || endpoint.getScheme().equals("https")))) {
            throw new IllegalArgumentException("endpoint must be an http:// or https:// URL: " + endpoint);
        }
    }

    /** AWS SDK client, AUTO checksums, 8 MiB parts, 4 in flight, 6 attempts from 200 ms. */
    public static StoreConfig defaults() {
        return new StoreConfig(null, null, ClientKind.AWS, ChecksumMode.AUTO, null, DEFAULT_PART_SIZE, 4, 6,
                Duration.ofMillis(200), null, null, null, null, false, null);
    }

    public StoreConfig withEndpoint(URI v) {
        return new StoreConfig(v, region, client, checksumMode, pathStyle, partSize, partsInFlight, maxAttempts,
                retryBaseDelay, caCertFile, storageClass, sse, sseKmsKeyId, createBucket, credentials);
    }

    public StoreConfig withRegion(String v) {
        return new StoreConfig(endpoint, v, client, checksumMode, pathStyle, partSize, partsInFlight, maxAttempts,
                retryBaseDelay, caCertFile, storageClass, sse, sseKmsKeyId, createBucket, credentials);
    }

    public StoreConfig withClient(ClientKind v) {
        return new StoreConfig(endpoint, region, v, checksumMode, pathStyle, partSize, partsInFlight, maxAttempts,
                retryBaseDelay, caCertFile, storageClass, sse, sseKmsKeyId, createBucket, credentials);
    }

    public StoreConfig withChecksumMode(ChecksumMode v) {
        return new StoreConfig(endpoint, region, client, v, pathStyle, partSize, partsInFlight, maxAttempts,
                retryBaseDelay, caCertFile, storageClass, sse, sseKmsKeyId, createBucket, credentials);
    }

    public StoreConfig withPathStyle(Boolean v) {
        return new StoreConfig(endpoint, region, client, checksumMode, v, partSize, partsInFlight, maxAttempts,
                retryBaseDelay, caCertFile, storageClass, sse, sseKmsKeyId, createBucket, credentials);
    }

    public StoreConfig withPartSize(long v) {
        return new StoreConfig(endpoint, region, client, checksumMode, pathStyle, v, partsInFlight, maxAttempts,
                retryBaseDelay, caCertFile, storageClass, sse, sseKmsKeyId, createBucket, credentials);
    }

    public StoreConfig withPartsInFlight(int v) {
        return new StoreConfig(endpoint, region, client, checksumMode, pathStyle, partSize, v, maxAttempts,
                retryBaseDelay, caCertFile, storageClass, sse, sseKmsKeyId, createBucket, credentials);
    }

    public StoreConfig withMaxAttempts(int v) {
        return new StoreConfig(endpoint, region, client, checksumMode, pathStyle, partSize, partsInFlight, v,
                retryBaseDelay, caCertFile, storageClass, sse, sseKmsKeyId, createBucket, credentials);
    }

    public StoreConfig withRetryBaseDelay(Duration v) {
        return new StoreConfig(endpoint, region, client, checksumMode, pathStyle, partSize, partsInFlight, maxAttempts,
                v, caCertFile, storageClass, sse, sseKmsKeyId, createBucket, credentials);
    }

    public StoreConfig withCaCertFile(Path v) {
        return new StoreConfig(endpoint, region, client, checksumMode, pathStyle, partSize, partsInFlight, maxAttempts,
                retryBaseDelay, v, storageClass, sse, sseKmsKeyId, createBucket, credentials);
    }

    public StoreConfig withStorageClass(String v) {
        return new StoreConfig(endpoint, region, client, checksumMode, pathStyle, partSize, partsInFlight, maxAttempts,
                retryBaseDelay, caCertFile, v, sse, sseKmsKeyId, createBucket, credentials);
    }

    /** Server-side encryption: {@code null}, {@code AES256}, or {@code aws:kms} with an optional key id. */
    public StoreConfig withSse(String v, String kmsKeyId) {
        return new StoreConfig(endpoint, region, client, checksumMode, pathStyle, partSize, partsInFlight, maxAttempts,
                retryBaseDelay, caCertFile, storageClass, v, kmsKeyId, createBucket, credentials);
    }

    public StoreConfig withCreateBucket(boolean v) {
        return new StoreConfig(endpoint, region, client, checksumMode, pathStyle, partSize, partsInFlight, maxAttempts,
                retryBaseDelay, caCertFile, storageClass, sse, sseKmsKeyId, v, credentials);
    }

    /** Explicit credentials; for tests and programmatic callers, never from the command line. */
    public StoreConfig withCredentials(StaticCredentials v) {
        return new StoreConfig(endpoint, region, client, checksumMode, pathStyle, partSize, partsInFlight, maxAttempts,
                retryBaseDelay, caCertFile, storageClass, sse, sseKmsKeyId, createBucket, v);
    }

    /** The endpoint to use: this one, else {@code AWS_ENDPOINT_URL_S3}, else {@code AWS_ENDPOINT_URL}, else null (AWS). */
    public URI endpointFrom(Map<String, String> env) {
        if (endpoint != null) {
            return endpoint;
        }
        for (String name : new String[] {"AWS_ENDPOINT_URL_S3", "AWS_ENDPOINT_URL"}) {
            String v = env.get(name);
            if (v != null && !v.isBlank()) {
                URI u = URI.create(v.trim());
                if (u.getScheme() == null || u.getHost() == null) {
                    throw new IllegalArgumentException(name + " is not an http(s) URL: " + v);
                }
                return u;
            }
        }
        return null;
    }

    /** The region to sign for: this one, else {@code AWS_REGION}, else {@code us-east-1}. */
    public String regionFrom(Map<String, String> env) {
        if (region != null && !region.isBlank()) {
            return region;
        }
        String v = env.get("AWS_REGION");
        return v == null || v.isBlank() ? DEFAULT_REGION : v.trim();
    }

    /** The CA bundle: this one, else {@code AWS_CA_BUNDLE}, else null (the JDK's trust store). */
    public Path caCertFileFrom(Map<String, String> env) {
        if (caCertFile != null) {
            return caCertFile;
        }
        String v = env.get("AWS_CA_BUNDLE");
        return v == null || v.isBlank() ? null : Path.of(v.trim());
    }

    /** True when {@code endpoint} (resolved) is null or an amazonaws.com host. */
    public static boolean isAws(URI resolvedEndpoint) {
        if (resolvedEndpoint == null) {
            return true;
        }
        String host = resolvedEndpoint.getHost().toLowerCase(Locale.ROOT);
        return host.endsWith(".amazonaws.com") || host.endsWith(".amazonaws.com.cn");
    }

    /** Whether compatibility (Content-MD5) mode applies to the resolved endpoint. */
    public boolean md5ModeFor(URI resolvedEndpoint) {
        return switch (checksumMode) {
            case MD5 -> true;
            case SDK -> false;
            case AUTO -> !isAws(resolvedEndpoint);
        };
    }

    /** Whether path-style addressing applies to the resolved endpoint. */
    public boolean pathStyleFor(URI resolvedEndpoint) {
        return pathStyle != null ? pathStyle : !isAws(resolvedEndpoint);
    }
}

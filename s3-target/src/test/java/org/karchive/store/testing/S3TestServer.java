package org.karchive.store.testing;

import java.io.IOException;
import java.net.URI;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Properties;
import org.gaul.s3proxy.BlobStores;
import org.gaul.s3proxy.S3Proxy;
import org.gaul.s3proxy.auth.AuthenticationType;
import org.gaul.s3proxy.blobstore.BlobStore;
import org.karchive.store.StaticCredentials;
import org.karchive.store.StoreConfig;

/**
 * A real S3 server for tests: S3Proxy in this JVM on 127.0.0.1 (random port), filesystem
 * backend in a temporary directory, SigV4 authentication with a generated key and secret, and
 * one bucket created. Use from any module's tests:
 *
 * <pre>{@code
 * try (S3TestServer s3 = S3TestServer.start()) {
 *     ObjectStore store = ObjectStores.open(s3.repoUrl("backups"), s3.storeConfig());
 *     ...
 * }
 * }</pre>
 *
 * {@link #storeConfig()} carries the credentials as {@link StaticCredentials} (programmatic use
 * only); a CLI test that must go through the AWS default chain passes {@link #environment()}
 * entries ({@code AWS_ACCESS_KEY_ID}, {@code AWS_SECRET_ACCESS_KEY}, {@code AWS_ENDPOINT_URL_S3},
 * {@code AWS_REGION}) to the child process instead.
 */
public final class S3TestServer implements AutoCloseable {
    public static final String DEFAULT_BUCKET = "karchive-test";

    private final S3Proxy proxy;
    private final BlobStore blobStore;
    private final Path dir;
    private final String bucket;
    private final String accessKey;
    private final String secretKey;
    private final URI endpoint;

    private S3TestServer(S3Proxy proxy, BlobStore blobStore, Path dir, String bucket, String accessKey,
            String secretKey) {
        this.proxy = proxy;
        this.blobStore = blobStore;
        this.dir = dir;
        this.bucket = bucket;
        this.accessKey = accessKey;
        this.secretKey = secretKey;
        this.endpoint = URI.create("http://127.0.0.1:" + proxy.getPort());
    }

    /** Starts a server with the bucket {@value #DEFAULT_BUCKET}. */
    public static S3TestServer start() throws Exception {
        return start(DEFAULT_BUCKET);
    }

    /** Starts a server with one bucket of the given name. */
    public static S3TestServer start(String bucket) throws Exception {
        Path dir = Files.createTempDirectory("karchive-s3proxy-");
        Properties props = new Properties();
        props.setProperty("jclouds.filesystem.basedir", dir.toString());
        BlobStore blobStore = BlobStores.create("filesystem-nio2", props);
        if (bucket != null) {
            blobStore.createContainer(bucket);
        }
        SecureRandom rnd = new SecureRandom();
        String key = "AKTEST" + HexFormat.of().formatHex(rnd.generateSeed(7)).toUpperCase();
        String secret = HexFormat.of().formatHex(rnd.generateSeed(20));
        S3Proxy proxy = S3Proxy.builder()
                .blobStore(blobStore)
                .endpoint(URI.create("http://127.0.0.1:0"))
                .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, key, secret)
                .ignoreUnknownHeaders(true)
                .build();
        proxy.start();
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!"STARTED".equals(proxy.getState())) {
            if (System.nanoTime() > deadline) {
                proxy.stop();
                throw new IllegalStateException("S3Proxy did not start: " + proxy.getState());
            }
            Thread.sleep(10);
        }
        return new S3TestServer(proxy, blobStore, dir, bucket, key, secret);
    }

    public URI endpoint() {
        return endpoint;
    }

    public String bucket() {
        return bucket;
    }

    public String accessKey() {
        return accessKey;
    }

    public String secretKey() {
        return secretKey;
    }

    /** Where the filesystem backend keeps buckets and objects (to corrupt objects in tests). */
    public Path dataDir() {
        return dir;
    }

    public StaticCredentials credentials() {
        return new StaticCredentials(accessKey, secretKey);
    }

    /** Defaults pointed at this server, with its credentials and region us-east-1. */
    public StoreConfig storeConfig() {
        return StoreConfig.defaults().withEndpoint(endpoint).withRegion("us-east-1").withCredentials(credentials());
    }

    /** {@code s3://bucket/prefix} (or {@code s3://bucket} for an empty prefix). */
    public String repoUrl(String prefix) {
        return "s3://" + bucket + (prefix == null || prefix.isEmpty() ? "" : "/" + prefix);
    }

    /** Environment variables that point the AWS default chain and endpoint at this server. */
    public java.util.Map<String, String> environment() {
        return java.util.Map.of("AWS_ACCESS_KEY_ID", accessKey, "AWS_SECRET_ACCESS_KEY", secretKey,
                "AWS_ENDPOINT_URL_S3", endpoint.toString(), "AWS_REGION", "us-east-1");
    }

    /** Creates another bucket. */
    public void createBucket(String name) {
        blobStore.createContainer(name);
    }

    @Override
    public void close() throws IOException {
        try {
            proxy.stop();
        } catch (Exception e) {
            throw new IOException("cannot stop S3Proxy", e);
        } finally {
            deleteTree(dir);
        }
    }

    /**
     * Runs a server in its own JVM (for benchmarks that must not share a heap with it): prints
     * {@code endpoint bucket accessKey secretKey} on one line, stops when stdin closes.
     */
    public static void main(String[] args) throws Exception {
        try (S3TestServer s = start()) {
            System.out.println(s.endpoint + " " + s.bucket + " " + s.accessKey + " " + s.secretKey);
            System.out.flush();
            System.in.transferTo(java.io.OutputStream.nullOutputStream());
        }
    }

    @Override
    public String toString() {
        return "S3TestServer[" + endpoint + ", bucket=" + bucket + "]";
    }

    private static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.delete(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path d, IOException exc) throws IOException {
                Files.delete(d);
                return FileVisitResult.CONTINUE;
            }
        });
    }
}

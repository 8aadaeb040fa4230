package org.karchive.store.testing;

import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.karchive.store.StaticCredentials;
import org.karchive.store.StoreConfig;

/**
 * MinIO in a Docker container, started with the docker CLI (no Testcontainers dependency), for
 * running the contract suite against a real MinIO where a Docker engine is present. Image:
 * {@code KARCHIVE_MINIO_IMAGE} or {@value #DEFAULT_IMAGE}.
 */
public final class DockerMinio implements AutoCloseable {
    public static final String DEFAULT_IMAGE = "minio/minio:RELEASE.2025-04-22T22-12-26Z";

    private final String containerId;
    private final URI endpoint;
    private final StaticCredentials credentials;

    private DockerMinio(String containerId, URI endpoint, StaticCredentials credentials) {
        this.containerId = containerId;
        this.endpoint = endpoint;
        this.credentials = credentials;
    }

    /** Null when Docker can be used, else why not (for {@code Assumptions.assumeTrue}). */
    public static String unavailableReason() {
        if (!Files.exists(Path.of("/var/run/docker.sock")) && System.getenv("DOCKER_HOST") == null) {
            return "no Docker engine (/var/run/docker.sock missing, DOCKER_HOST unset): MinIO-in-Docker contract skipped";
        }
        try {
            Process p = new ProcessBuilder("docker", "info").redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
                return "docker info failed: Docker engine not usable, MinIO-in-Docker contract skipped";
            }
        } catch (IOException | InterruptedException e) {
            return "docker CLI not runnable (" + e.getMessage() + "): MinIO-in-Docker contract skipped";
        }
        return null;
    }

    public static DockerMinio start() throws Exception {
        String image = System.getenv().getOrDefault("KARCHIVE_MINIO_IMAGE", DEFAULT_IMAGE);
        String user = "karchive" + HexFormat.of().formatHex(new SecureRandom().generateSeed(4));
        String pass = HexFormat.of().formatHex(new SecureRandom().generateSeed(16));
        String id = run(List.of("docker", "run", "-d", "--rm", "-p", "127.0.0.1::9000", "-e", "MINIO_ROOT_USER=" + user,
                "-e", "MINIO_ROOT_PASSWORD=" + pass, image, "server", "/data")).trim();
        try {
            String port = run(List.of("docker", "port", id, "9000/tcp")).lines().findFirst().orElseThrow().trim();
            URI endpoint = URI.create("http://127.0.0.1:" + port.substring(port.lastIndexOf(':') + 1));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (!live(endpoint)) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("MinIO did not become live at " + endpoint);
                }
                Thread.sleep(200);
            }
            return new DockerMinio(id, endpoint, new StaticCredentials(user, pass));
        } catch (Exception e) {
            run(List.of("docker", "rm", "-f", id));
            throw e;
        }
    }

    private static boolean live(URI endpoint) {
        try {
            HttpURLConnection c = (HttpURLConnection) endpoint.resolve("/minio/health/live").toURL().openConnection();
            c.setConnectTimeout(1000);
            c.setReadTimeout(1000);
            return c.getResponseCode() == 200;
        } catch (IOException e) {
            return false;
        }
    }

    private static String run(List<String> cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0) {
            throw new IOException(cmd.get(0) + " " + cmd.get(1) + " failed: " + out.trim());
        }
        return out;
    }

    public URI endpoint() {
        return endpoint;
    }

    /** Defaults pointed at this MinIO, bucket created on open. */
    public StoreConfig storeConfig() {
        return StoreConfig.defaults().withEndpoint(endpoint).withCredentials(credentials).withCreateBucket(true);
    }

    @Override
    public void close() throws IOException {
        try {
            run(List.of("docker", "rm", "-f", containerId));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

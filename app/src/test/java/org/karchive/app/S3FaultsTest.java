package org.karchive.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.karchive.store.ObjectStore;
import org.karchive.store.ObjectStores;
import org.karchive.store.testing.FaultyHttpProxy;
import org.karchive.store.testing.FaultyHttpProxy.Fault;
import org.karchive.store.testing.S3TestServer;

/**
 * The real CLI in a child JVM against the embedded S3 server through {@link FaultyHttpProxy}:
 * transient faults are survived with every hash right, a Complete carried out but answered with an
 * error is accepted without uploading again, damaged downloads are never written as good data,
 * and permanent failures end with exit 1, one line, no pending upload and no snapshot.
 */
class S3FaultsTest {
    static S3TestServer s3;
    @TempDir
    static Path tmp;
    static Path src;

    static final Predicate<String> CHUNK_GET = l -> l.startsWith("GET ") && l.contains("/chunks/");
    static final Predicate<String> PART_PUT = l -> l.startsWith("PUT ") && l.contains("partNumber=");
    static final Predicate<String> COMPLETE = l -> l.startsWith("POST ") && l.contains("uploadId=");
    static final Predicate<String> CREATE = l -> l.startsWith("POST ") && l.contains("?uploads");

    @BeforeAll
    static void setUp() throws Exception {
        s3 = S3TestServer.start();
        // 120 small files and one 11 MiB file: with 5 MiB parts the big chunk is a 3-part upload
        src = FaultTrees.tree(tmp.resolve("src"), 7, 120, 11 << 20);
    }

    @AfterAll
    static void tearDown() throws Exception {
        s3.close();
    }

    static Map<String, String> env(FaultyHttpProxy proxy) {
        Map<String, String> env = new HashMap<>(s3.environment());
        env.put("AWS_ENDPOINT_URL_S3", proxy.endpoint().toString());
        return env;
    }

    static ObjectStore direct(String repo) throws Exception {
        return ObjectStores.open(repo, s3.storeConfig());
    }

    static String[] args(String client, String repo, String... more) {
        List<String> a = new java.util.ArrayList<>(List.of("--s3-client", client, "--repo", repo));
        a.addAll(List.of(more));
        return a.toArray(String[]::new);
    }

    static String[] cmd(String command, String client, String repo, String... more) {
        List<String> a = new java.util.ArrayList<>(List.of(command, "--json"));
        a.addAll(List.of(args(client, repo, more)));
        return a.toArray(String[]::new);
    }

    @ParameterizedTest(name = "--s3-client {0}")
    @ValueSource(strings = {"aws", "minio"})
    void archiveAndRestoreSurviveTwentyPercentTransientFaults(String client) throws Exception {
        String repo = s3.repoUrl("transient-" + client);
        Path out = tmp.resolve("transient-out-" + client);
        try (FaultyHttpProxy proxy = FaultyHttpProxy.start(s3.endpoint())) {
            proxy.latency(50).randomFaults(client.hashCode(), 0.2, FaultyHttpProxy.TRANSIENT, l -> true);
            ChildKarchive k = new ChildKarchive(tmp, env(proxy));
            ChildKarchive.Result a = k.run(cmd("archive", client, repo, "--verbose", "--part-size", "5MiB",
                    "--chunk-size", "1MiB", src.toString()));
            assertThat(a.code()).as(a.stderr()).isZero();
            int afterArchive = proxy.injectedTotal();
            assertThat(afterArchive).as(proxy.injectedCounts().toString()).isGreaterThanOrEqualTo(5);
            // --verbose shows each retry: operation, key, status or exception, attempt; never the secret
            assertThat(a.stderr()).containsPattern("attempt 1 of 6 failed \\(.*(HTTP 5\\d\\d|failed).*\\), retrying");
            assertThat(a.stderr()).doesNotContain(s3.secretKey());

            JsonNode v = k.ok(cmd("verify", client, repo));
            assertThat(v.get("ok").asBoolean()).isTrue();
            JsonNode r = k.ok(cmd("restore", client, repo, "--target", out.toString()));
            assertThat(r.get("files").asLong()).isEqualTo(122);
            k.ok(cmd("verify", client, repo, "--local", out.toString()));
            assertThat(proxy.injectedTotal()).isGreaterThan(afterArchive);
            // kinds of faults seen across the run
            long kinds = proxy.injectedCounts().values().stream().filter(n -> n > 0).count();
            assertThat(kinds).as(proxy.injectedCounts().toString()).isGreaterThanOrEqualTo(5);
        }
        assertThat(FaultTrees.assertSameFiles(src, FaultTrees.restored(out, src))).isEqualTo(122);
        try (ObjectStore store = direct(repo)) {
            assertThat(store.listPendingUploads("")).isEmpty();
        }
    }

    @ParameterizedTest(name = "--s3-client {0}, {1}")
    @CsvSource({"aws, ERROR_AFTER_DONE", "minio, COMPLETE_200_ERROR"})
    void completeCarriedOutButAnsweredWithAnErrorIsAccepted(String client, Fault fault) throws Exception {
        String repo = s3.repoUrl("complete-" + client + "-" + fault);
        try (FaultyHttpProxy proxy = FaultyHttpProxy.start(s3.endpoint())) {
            // the first CompleteMultipartUpload (the 11 MiB chunk's) is carried out, its answer is an error
            proxy.inject(COMPLETE, 1, fault);
            ChildKarchive k = new ChildKarchive(tmp, env(proxy));
            ChildKarchive.Result a = k.run(cmd("archive", client, repo, "--verbose", "--part-size", "5MiB",
                    src.toString()));
            assertThat(a.code()).as(a.stderr()).isZero();
            assertThat(proxy.injected(fault)).isEqualTo(1);
            // retried, the store said NoSuchUpload, and karchive checked the object instead of failing
            assertThat(proxy.count(COMPLETE)).isGreaterThanOrEqualTo(2);
            assertThat(a.stderr()).contains("was completed by an earlier attempt");
            // nothing uploaded again: one upload per multipart object, every part sent once
            List<String> parts = proxy.requests().stream().filter(PART_PUT).toList();
            assertThat(new HashSet<>(parts)).hasSameSizeAs(parts);
            assertThat(proxy.count(CREATE)).isEqualTo(1);
            assertThat(parts).hasSize(3);
        }
        ChildKarchive plain = new ChildKarchive(tmp, s3.environment());
        JsonNode v = plain.ok(cmd("verify", client, repo));
        assertThat(v.get("ok").asBoolean()).isTrue();
        try (ObjectStore store = direct(repo)) {
            assertThat(store.listPendingUploads("")).isEmpty();
        }
    }

    @ParameterizedTest(name = "--s3-client {0}")
    @ValueSource(strings = {"aws", "minio"})
    void damagedDownloadsAreNeverWrittenAsGoodData(String client) throws Exception {
        String repo = s3.repoUrl("damage-" + client);
        ChildKarchive plain = new ChildKarchive(tmp, s3.environment());
        // the small files only: three restores of them are enough to prove the point
        Path src = S3FaultsTest.src.resolve("d0");
        plain.ok(cmd("archive", client, repo, "--chunk-size", "1MiB", src.toString()));
        try (FaultyHttpProxy proxy = FaultyHttpProxy.start(s3.endpoint())) {
            ChildKarchive k = new ChildKarchive(tmp, env(proxy));

            // a body cut short is noticed by its length and the rest of the range is fetched again
            proxy.inject(CHUNK_GET, 3, Fault.TRUNCATE_BODY);
            Path cut = tmp.resolve("truncated-" + client);
            k.ok(cmd("restore", client, repo, "--verbose", "--target", cut.toString()));
            assertThat(proxy.injected(Fault.TRUNCATE_BODY)).isEqualTo(3);
            FaultTrees.assertSameFiles(src, FaultTrees.restored(cut, src));

            // a flipped byte is caught (zstd frame checksum, tar format or file SHA-256): exit 4 naming the chunk
            proxy.inject(CHUNK_GET, 1, Fault.FLIP_BYTE);
            Path flipped = tmp.resolve("flipped-" + client);
            ChildKarchive.Result r = k.run(cmd("restore", client, repo, "--target", flipped.toString()));
            assertThat(proxy.injected(Fault.FLIP_BYTE)).isEqualTo(1);
            assertThat(r.code()).as(r.stderr()).isEqualTo(4);
            assertThat(r.stderr()).containsPattern("chunk(s/| )\\S*chunks/\\S+\\.tar\\.zst|chunks/\\S+\\.tar\\.zst");
            assertThat(r.stderr().strip().lines().filter(l -> l.startsWith("karchive:")).count()).isEqualTo(1);
            FaultTrees.assertNothingWrongLeft(src, flipped);

            // the data in the store is fine: the rerun completes
            k.ok(cmd("restore", client, repo, "--target", flipped.toString(), "--overwrite"));
            k.ok(cmd("verify", client, repo, "--local", flipped.toString()));
            FaultTrees.assertSameFiles(src, FaultTrees.restored(flipped, src));
        }
    }

    @ParameterizedTest(name = "--s3-client {0}, {1}")
    @CsvSource({"aws, denied", "minio, denied", "aws, gone", "minio, bucket"})
    void permanentFailuresExitOneAndLeaveNothingBehind(String client, String kind) throws Exception {
        String repo = kind.equals("bucket") ? "s3://no-such-bucket-" + client + "/x"
                : s3.repoUrl("permanent-" + client + "-" + kind);
        try (FaultyHttpProxy proxy = FaultyHttpProxy.start(s3.endpoint())) {
            if (kind.equals("denied")) {
                // e.g. a policy allowing create and abort but not PutObject on chunks
                proxy.failRequests(PART_PUT, 1000, 403, "AccessDenied");
            } else if (kind.equals("gone")) {
                // uploads never get through for longer than the retry budget (6 attempts, backoff from 200 ms)
                proxy.inject(PART_PUT, 1000, Fault.RESET_BEFORE_BODY);
            }
            ChildKarchive k = new ChildKarchive(tmp, env(proxy));
            ChildKarchive.Result a = k.run(args(client, repo, "archive", "--part-size", "5MiB", src.toString()));
            assertThat(a.code()).as(a.stderr()).isEqualTo(1);
            List<String> lines = a.stderr().strip().lines().filter(l -> !l.isBlank()).toList();
            assertThat(lines).as(a.stderr()).hasSize(1);
            assertThat(lines.get(0)).startsWith("karchive: ");
            switch (kind) {
                case "denied" -> assertThat(lines.get(0)).contains("denied").contains("AccessDenied");
                case "gone" -> assertThat(lines.get(0)).contains("part ").contains("chunks/");
                default -> assertThat(lines.get(0)).contains("does not exist");
            }
            if (!kind.equals("bucket")) {
                assertThat(proxy.count(l -> l.startsWith("DELETE ") && l.contains("uploadId="))).isPositive();
            }
        }
        if (!kind.equals("bucket")) {
            try (ObjectStore store = direct(repo)) {
                assertThat(store.listPendingUploads("")).isEmpty();
                assertThat(store.list("snapshots/")).isEmpty();
                assertThat(store.list("manifests/")).isEmpty();
            }
        }
    }

    @ParameterizedTest(name = "--s3-client {0}")
    @ValueSource(strings = {"aws", "minio"})
    void ctrlCDuringArchiveAndRestoreExits130AndTheNextRunProceeds(String client) throws Exception {
        String repo = s3.repoUrl("sigint-" + client);
        Path big = FaultTrees.tree(tmp.resolve("sigint-src-" + client), 11, 150, 24 << 20);
        try (FaultyHttpProxy proxy = FaultyHttpProxy.start(s3.endpoint());
             ObjectStore store = direct(repo)) {
            // slow parts so that uploads are in flight when Ctrl-C comes
            proxy.latency(400).inject(PART_PUT, 1000, Fault.LATENCY);
            ChildKarchive k = new ChildKarchive(tmp, env(proxy));
            ChildKarchive.Handle h = k.startInterruptible(cmd("archive", client, repo, "--part-size", "5MiB",
                    big.toString()));
            KillAndResumeTest.waitFor(() -> proxy.injected(Fault.LATENCY) >= 2, 120);
            assertThat(store.listPendingUploads("")).isNotEmpty();
            ChildKarchive.sigint(h.process());
            assertThat(h.process().waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(h.process().exitValue()).as(h.stderr()).isEqualTo(130);
            assertThat(h.stderr()).contains("interrupted");
            assertInterruptedReport(h);
            assertThat(store.listPendingUploads("")).as("in-flight uploads aborted").isEmpty();
            assertThat(store.list("snapshots/")).isEmpty();

            proxy.latency(0);
            JsonNode a = k.ok(cmd("archive", client, repo, "--part-size", "5MiB", "--chunk-size", "1MiB",
                    big.toString()));
            assertThat(a.get("files").asLong()).isEqualTo(152);
            int before = proxy.injected(Fault.LATENCY);

            // restore, slowed down on chunk reads, interrupted once a file is there
            proxy.latency(300).inject(CHUNK_GET, 1000, Fault.LATENCY);
            Path out = tmp.resolve("sigint-out-" + client);
            ChildKarchive.Handle r = k.startInterruptible(cmd("restore", client, repo, "--target", out.toString()));
            KillAndResumeTest.waitFor(() -> proxy.injected(Fault.LATENCY) >= before + 2, 120);
            ChildKarchive.sigint(r.process());
            assertThat(r.process().waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(r.process().exitValue()).as(r.stderr()).isEqualTo(130);
            assertInterruptedReport(r);
            FaultTrees.assertNothingWrongLeft(big, out);
            proxy.latency(0);
            k.ok(cmd("restore", client, repo, "--target", out.toString(), "--overwrite"));
            k.ok(cmd("verify", client, repo, "--local", out.toString()));
            FaultTrees.assertSameFiles(big, FaultTrees.restored(out, big));
        }
    }

    /** --json output of an interrupted run: an error document with 130, no snapshot, no totals. */
    static void assertInterruptedReport(ChildKarchive.Handle h) throws Exception {
        JsonNode j = h.json();
        assertThat(j.get("exitCode").asInt()).isEqualTo(130);
        assertThat(j.get("error").asText()).contains("interrupted").contains("nothing was committed");
        assertThat(j.has("snapshot")).isFalse();
        assertThat(j.has("files")).isFalse();
    }

    static Set<Fault> allTransient() {
        return EnumSet.copyOf(FaultyHttpProxy.TRANSIENT);
    }
}

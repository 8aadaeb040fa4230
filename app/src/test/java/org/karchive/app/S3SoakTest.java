package org.karchive.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.karchive.store.ObjectStore;
import org.karchive.store.ObjectStores;
import org.karchive.store.testing.FaultyHttpProxy;
import org.karchive.store.testing.S3TestServer;

/**
 * Repeated archive → verify → restore → verify --local cycles through S3 with random transient
 * faults, alternating the S3 clients, changing the tree between cycles (incremental snapshots), for
 * a bounded time ({@code -Dkarchive.soak.seconds}, default 180). Not in the default run:
 * {@code mvn -B -o -Psoak -pl archive-format,s3-target,app -am verify}.
 */
@Tag("soak")
class S3SoakTest {
    @TempDir
    Path tmp;

    @Test
    void archiveAndRestoreCyclesWithRandomFaults() throws Exception {
        long seconds = Long.getLong("karchive.soak.seconds", 180);
        double rate = Double.parseDouble(System.getProperty("karchive.soak.faultRate", "0.2"));
        long seed = Long.getLong("karchive.soak.seed", System.nanoTime());
        long end = System.nanoTime() + seconds * 1_000_000_000L;
        Random rnd = new Random(seed);
        Path src = FaultTrees.tree(tmp.resolve("src"), seed, 80, 7 << 20);
        int cycles = 0;
        long hashes = 0;
        try (S3TestServer s3 = S3TestServer.start();
             FaultyHttpProxy proxy = FaultyHttpProxy.start(s3.endpoint())) {
            proxy.latency(30).randomFaults(seed, rate, FaultyHttpProxy.TRANSIENT, l -> true);
            Map<String, String> env = new HashMap<>(s3.environment());
            env.put("AWS_ENDPOINT_URL_S3", proxy.endpoint().toString());
            ChildKarchive k = new ChildKarchive(tmp, env);
            String repo = s3.repoUrl("soak");
            while (cycles == 0 || System.nanoTime() < end) {
                String client = cycles % 2 == 0 ? "aws" : "minio";
                // change a few files, add one, so each snapshot is incremental on the one before
                for (int i = 0; i < 3; i++) {
                    Path f = src.resolve("d" + rnd.nextInt(4)).resolve("f" + rnd.nextInt(80) + ".dcm");
                    if (Files.exists(f)) {
                        byte[] b = new byte[1000 + rnd.nextInt(40_000)];
                        rnd.nextBytes(b);
                        Files.write(f, b);
                    }
                }
                Files.writeString(src.resolve("d0").resolve("cycle-" + cycles + ".txt"), "cycle " + cycles);
                String[] s3args = {"--s3-client", client, "--repo", repo, "--part-size", "5MiB"};
                JsonNode a = k.ok(concat(new String[] {"archive", "--json", "--chunk-size", "1MiB"}, s3args,
                        src.toString()));
                String id = a.get("snapshot").asText();
                assertThat(k.ok(concat(new String[] {"verify", "--json"}, s3args, id)).get("ok").asBoolean())
                        .isTrue();
                Path out = tmp.resolve("out-" + cycles);
                k.ok(concat(new String[] {"restore", "--json", "--target", out.toString()}, s3args, id));
                k.ok(concat(new String[] {"verify", "--json", "--local", out.toString()}, s3args, id));
                hashes += FaultTrees.assertSameFiles(src, FaultTrees.restored(out, src));
                deleteTree(out);
                cycles++;
            }
            try (ObjectStore store = ObjectStores.open(repo, s3.storeConfig())) {
                assertThat(store.listPendingUploads("")).isEmpty();
            }
            String report = "soak: seed " + seed + ", " + seconds + " s, " + cycles + " cycles, "
                    + proxy.requests().size() + " requests, " + proxy.injectedTotal() + " faults injected "
                    + proxy.injectedCounts() + ", " + proxy.noSuchUploadAnswers() + " NoSuchUpload answers, "
                    + hashes + " file hashes checked";
            System.out.println(report);
            Files.writeString(Path.of("target", "soak-report.txt"), report + "\n");
            assertThat(proxy.injectedTotal()).isPositive();
        }
    }

    /**
     * A 6 GiB file through S3 with 5 MiB parts. It is sparse (3 MiB of data, the rest holes), so
     * it is archived as a sparse tar entry and only the data is stored: this proves size handling
     * past 4 GiB and sparse restore, not 6 GiB of transfer. The part-size choice for huge objects
     * is proved by MultipartUnitsTest.
     */
    @Test
    void sixGibFileRoundTripsThroughS3() throws Exception {
        Path src = tmp.resolve("big");
        Files.createDirectories(src);
        Path f = src.resolve("six-gib.raw");
        long size = 6L << 30;
        Random rnd = new Random(6);
        byte[] mib = new byte[1 << 20];
        try (java.io.RandomAccessFile raf = new java.io.RandomAccessFile(f.toFile(), "rw")) {
            raf.setLength(size);
            for (long at : new long[] {0, 3L << 30, size - mib.length}) {
                rnd.nextBytes(mib);
                raf.seek(at);
                raf.write(mib);
            }
        }
        try (S3TestServer s3 = S3TestServer.start()) {
            ChildKarchive k = new ChildKarchive(tmp, s3.environment());
            String repo = s3.repoUrl("six");
            JsonNode a = k.ok("archive", "--json", "--repo", repo, "--part-size", "5MiB", src.toString());
            assertThat(a.get("bytes").asLong()).isEqualTo(size);
            Path out = tmp.resolve("six-out");
            k.ok("restore", "--json", "--repo", repo, "--target", out.toString());
            Path back = FaultTrees.restored(out, src).resolve("six-gib.raw");
            assertThat(Files.size(back)).isEqualTo(size);
            k.ok("verify", "--json", "--repo", repo, "--local", out.toString());
            try (java.io.RandomAccessFile x = new java.io.RandomAccessFile(f.toFile(), "r");
                 java.io.RandomAccessFile y = new java.io.RandomAccessFile(back.toFile(), "r")) {
                for (long at : new long[] {0, 3L << 30, size - mib.length, 5L << 30}) {
                    byte[] p = new byte[mib.length];
                    byte[] q = new byte[mib.length];
                    x.seek(at);
                    x.readFully(p);
                    y.seek(at);
                    y.readFully(q);
                    assertThat(q).isEqualTo(p);
                }
            }
        }
    }

    private static String[] concat(String[] a, String[] b, String... c) {
        String[] r = new String[a.length + b.length + c.length];
        System.arraycopy(a, 0, r, 0, a.length);
        System.arraycopy(b, 0, r, a.length, b.length);
        System.arraycopy(c, 0, r, a.length + b.length, c.length);
        return r;
    }

    private static void deleteTree(Path p) throws java.io.IOException {
        try (var s = Files.walk(p)) {
            for (Path q : s.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(q);
            }
        }
    }
}

package org.karchive.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.karchive.store.ObjectStore;
import org.karchive.store.ObjectStores;
import org.karchive.store.StoreConfig;
import org.karchive.store.testing.S3TestServer;

/**
 * kill -9 of a real archive process at several points, to a local repository and to the embedded
 * S3 server, then a rerun: earlier snapshots stay intact, the rerun reuses what the killed run
 * committed and uploads less, and the result verifies and restores.
 */
class KillAndResumeTest {
    static S3TestServer s3;

    @TempDir
    Path tmp;

    @BeforeAll
    static void server() throws Exception {
        s3 = S3TestServer.start();
    }

    @AfterAll
    static void stop() throws Exception {
        s3.close();
    }

    static void waitFor(Supplier<Boolean> condition, long seconds) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (!condition.get()) {
            assertThat(System.nanoTime()).as("timed out waiting").isLessThan(end);
            Thread.sleep(20);
        }
    }

    static long count(ObjectStore store, String prefix, String regex) {
        try {
            return store.list(prefix).stream().filter(o -> o.key().matches(regex)).count();
        } catch (IOException e) {
            return 0;
        }
    }

    @ParameterizedTest(name = "{0} repository, killed after {1} committed chunks")
    @CsvSource({"file, 0", "file, 3", "file, 12", "s3, 0", "s3, 4", "s3, 10"})
    void killedArchiveResumes(String kind, int chunksBeforeKill) throws Exception {
        Path src = tmp.resolve("src");
        Random rnd = new Random(chunksBeforeKill);
        for (int i = 0; i < 120; i++) {
            byte[] b = new byte[400_000];
            rnd.nextBytes(b);
            Files.createDirectories(src.resolve("d" + (i % 5)));
            Files.write(src.resolve("d" + (i % 5)).resolve("f" + i), b);
        }
        boolean onS3 = kind.equals("s3");
        String repo = onS3 ? s3.repoUrl("kill-" + chunksBeforeKill) : tmp.resolve("repo").toUri().toString();
        Map<String, String> env = onS3 ? s3.environment() : Map.of();
        ChildKarchive karchive = new ChildKarchive(tmp, env);
        try (ObjectStore store = ObjectStores.open(repo, onS3 ? s3.storeConfig() : StoreConfig.defaults())) {
            // an earlier snapshot of something else must survive untouched
            Path other = tmp.resolve("other");
            Files.createDirectories(other);
            Files.writeString(other.resolve("keep.txt"), "keep me");
            karchive.ok("archive", "--json", "--repo", repo, other.toString());

            ChildKarchive.Handle killed = karchive.start("archive", "--json", "--repo", repo, "--chunk-size",
                    "1MiB", src.toString());
            waitFor(() -> chunksBeforeKill == 0 ? count(store, "runs/", "runs/[^/]*\\.json") > 0
                    : count(store, "chunks/", ".*/\\d{6}\\.json") >= chunksBeforeKill, 120);
            killed.process().destroyForcibly();
            assertThat(killed.process().waitFor(30, TimeUnit.SECONDS)).isTrue();

            // consistent: the earlier snapshot is the only one and verifies
            assertThat(karchive.ok("snapshots", "--json", "--repo", repo)).hasSize(1);
            karchive.ok("verify", "--json", "--repo", repo);

            ChildKarchive.Result rerun = karchive.run("archive", "--json", "--repo", repo, "--chunk-size", "1MiB",
                    src.toString());
            assertThat(rerun.code()).as(rerun.stderr()).isZero();
            long total = rerun.json().get("bytes").asLong();
            assertThat(total).isEqualTo(120L * 400_000);
            if (chunksBeforeKill > 0) {
                assertThat(rerun.json().get("newBytes").asLong()).as("the rerun uploads less than everything")
                        .isLessThan(total);
                assertThat(rerun.stderr()).contains("resuming interrupted run");
            }
            // the rerun aborted what the killed run left half-uploaded
            assertThat(store.listPendingUploads("chunks/")).isEmpty();
            assertThat(store.listPendingUploads("manifests/")).isEmpty();

            JsonNode verify = karchive.ok("verify", "--json", "--repo", repo);
            assertThat(verify.get("ok").asBoolean()).isTrue();
            Path restored = tmp.resolve("restored");
            karchive.ok("restore", "--json", "--repo", repo, "--target", restored.toString());
            karchive.ok("verify", "--json", "--repo", repo, "--local", restored.toString());

            // prune leaves nothing of the killed run behind; what remains still verifies
            karchive.ok("prune", "--json", "--repo", repo, "--grace", "0");
            assertThat(store.listPendingUploads("")).isEmpty();
            assertThat(store.list("runs/")).isEmpty();
            assertThat(store.list("chunks/").stream().filter(o -> !o.key().endsWith(".tar.zst")).toList()).isEmpty();
            karchive.ok("verify", "--json", "--repo", repo);
        }
    }
}

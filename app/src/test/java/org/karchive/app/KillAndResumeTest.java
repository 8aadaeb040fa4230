package org.karchive.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;
import org.karchive.format.Json;

/**
 * kill -9 of a real archive process at several points, then a rerun: earlier snapshots stay
 * intact, the rerun reuses what the killed run committed, and the result verifies.
 */
class KillAndResumeTest {
    @TempDir
    Path tmp;

    static Process start(Path out, Map<String, String> env, String... args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m", "-Dkarchive.staleRunSeconds=0", "-cp", System.getProperty("java.class.path"),
                Main.class.getName()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectOutput(out.toFile())
                .redirectError(out.resolveSibling(out.getFileName() + ".err").toFile());
        pb.environment().put("LC_ALL", "C.UTF-8");
        pb.environment().putAll(env);
        return pb.start();
    }

    static long countDone(Path repo) throws IOException {
        Path chunks = repo.resolve("chunks");
        if (!Files.isDirectory(chunks)) {
            return 0;
        }
        try (Stream<Path> s = Files.walk(chunks)) {
            return s.filter(p -> p.getFileName().toString().matches("\\d{6}\\.json")).count();
        }
    }

    static void waitFor(Supplier<Boolean> condition, long seconds) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (!condition.get()) {
            assertThat(System.nanoTime()).as("timed out waiting").isLessThan(end);
            Thread.sleep(20);
        }
    }

    @ParameterizedTest(name = "killed after {0} committed chunks")
    @ValueSource(ints = {0, 3, 12})
    void killedArchiveResumes(int chunksBeforeKill) throws Exception {
        Path src = tmp.resolve("src");
        Random rnd = new Random(chunksBeforeKill);
        for (int i = 0; i < 120; i++) {
            byte[] b = new byte[400_000];
            rnd.nextBytes(b);
            Files.createDirectories(src.resolve("d" + (i % 5)));
            Files.write(src.resolve("d" + (i % 5)).resolve("f" + i), b);
        }
        Path repoDir = tmp.resolve("repo");
        String repo = repoDir.toUri().toString();
        // an earlier snapshot of something else must survive untouched
        Path other = tmp.resolve("other");
        Files.createDirectories(other);
        Files.writeString(other.resolve("keep.txt"), "keep me");
        assertThat(Cli.run("archive", "--repo", repo, other.toString()).code()).isZero();

        Process p = start(tmp.resolve("killed.out"), Map.of(), "archive", "--json", "--repo", repo, "--chunk-size",
                "1MiB", src.toString());
        waitFor(() -> {
            try {
                return chunksBeforeKill == 0 ? Files.exists(repoDir.resolve("runs")) && Files.list(
                        repoDir.resolve("runs")).findAny().isPresent() : countDone(repoDir) >= chunksBeforeKill;
            } catch (IOException | java.io.UncheckedIOException e) {
                return false; // temporary files come and go while we look
            }
        }, 120);
        p.destroyForcibly();
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();

        // the repository is consistent: the earlier snapshot verifies and is the only one
        Cli.Run snaps = Cli.run("snapshots", "--json", "--repo", repo);
        assertThat(snaps.json()).hasSize(1);
        assertThat(Cli.run("verify", "--repo", repo).code()).isZero();

        Path out = tmp.resolve("rerun.out");
        Process rerun = start(out, Map.of(), "archive", "--json", "--repo", repo, "--chunk-size", "1MiB",
                src.toString());
        assertThat(rerun.waitFor(5, TimeUnit.MINUTES)).isTrue();
        assertThat(rerun.exitValue()).as(Files.readString(tmp.resolve("rerun.out.err"))).isZero();
        JsonNode result = Json.MAPPER.readTree(out.toFile());
        long total = result.get("bytes").asLong();
        assertThat(total).isEqualTo(120L * 400_000);
        if (chunksBeforeKill > 0) {
            assertThat(result.get("newBytes").asLong()).as("the rerun uploads less than everything")
                    .isLessThan(total);
            assertThat(Files.readString(tmp.resolve("rerun.out.err"))).contains("resuming interrupted run");
        }
        Cli.Run verify = Cli.run("verify", "--json", "--repo", repo);
        assertThat(verify.code()).as(verify.toString()).isZero();
        Path restored = tmp.resolve("restored");
        assertThat(Cli.run("restore", "--repo", repo, "--target", restored.toString()).code()).isZero();
        Cli.Run local = Cli.run("verify", "--json", "--repo", repo, "--local", restored.toString());
        assertThat(local.code()).as(local.toString()).isZero();
        // the rerun aborted the killed run's uploads of chunks and manifest
        try (Stream<Path> s = Files.walk(repoDir)) {
            assertThat(s.filter(f -> f.toString().contains(".karchive-tmp-"))
                    .filter(f -> !f.toString().contains("/runs/")).toList()).isEmpty();
        }
        // and prune leaves nothing of it behind; what remains still verifies
        assertThat(Cli.run("prune", "--repo", repo, "--grace", "0").code()).isZero();
        try (Stream<Path> s = Files.walk(repoDir)) {
            assertThat(s.filter(f -> f.toString().contains(".karchive-tmp-")).toList()).isEmpty();
        }
        assertThat(Files.list(repoDir.resolve("runs")).toList()).isEmpty();
        assertThat(Cli.run("verify", "--repo", repo).code()).isZero();
    }
}

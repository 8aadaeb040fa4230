package org.karchive.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The exit codes of CLI.md, and damage that verify and restore must catch. */
class ExitCodesAndDamageTest {
    @TempDir
    Path tmp;
    Path src;
    String repo;

    @BeforeEach
    void tree() throws IOException {
        src = tmp.resolve("src");
        Files.createDirectories(src.resolve("d"));
        Random rnd = new Random(3);
        for (int i = 0; i < 30; i++) {
            byte[] b = new byte[50_000 + i];
            rnd.nextBytes(b);
            Files.write(src.resolve("d/f" + i), b);
        }
        Files.writeString(src.resolve("hello.txt"), "hello\n");
        repo = tmp.resolve("repo").toUri().toString();
    }

    private String archiveOk() {
        Cli.Run r = Cli.run("archive", "--json", "--repo", repo, src.toString());
        assertThat(r.code()).as(r.toString()).isZero();
        return r.json().get("snapshot").asText();
    }

    private Path onlyChunk() throws IOException {
        try (Stream<Path> s = Files.walk(tmp.resolve("repo/chunks"))) {
            List<Path> chunks = s.filter(Files::isRegularFile).toList();
            assertThat(chunks).hasSize(1);
            return chunks.get(0);
        }
    }

    @Test
    void usageErrorsExitTwo() {
        assertThat(Cli.run().code()).isEqualTo(2);
        assertThat(Cli.run("archive", "--repo", repo).code()).isEqualTo(2);
        assertThat(Cli.run("archive", "--no-such-option", "--repo", repo, src.toString()).code()).isEqualTo(2);
        assertThat(Cli.run("restore", "--repo", repo, "--target", "x", "--in-place").code()).isEqualTo(2);
        assertThat(Cli.run("archive", "--repo", "ftp://x/y", src.toString()).code()).isEqualTo(2);
        assertThat(Cli.run("archive", "--repo", repo, tmp.resolve("missing").toString()).code()).isEqualTo(2);
    }

    @Test
    void repositoryErrorsExitOneWithAMessage() {
        Cli.Run r = Cli.run("restore", "--repo", tmp.resolve("nothing-here").toUri().toString(), "--target",
                tmp.resolve("out").toString());
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err()).contains("no karchive repository");
        Cli.Run j = Cli.run("snapshots", "--json", "--repo", tmp.resolve("nothing-here").toUri().toString());
        assertThat(j.code()).isEqualTo(1);
        assertThat(j.json().get("error").asText()).contains("no karchive repository");
    }

    @Test
    void checkRepoOnALocalDirectory() throws IOException {
        Cli.Run r = Cli.run("check-repo", "--json", "--repo", repo);
        assertThat(r.code()).as(r.toString()).isZero();
        assertThat(r.json().get("ok").asBoolean()).isTrue();
        try (Stream<Path> s = Files.walk(tmp.resolve("repo"))) {
            assertThat(s.filter(Files::isRegularFile).toList()).isEmpty();
        }
    }

    @Test
    void globalOptionsWorkBeforeAndAfterTheCommand() {
        archiveOk();
        Cli.Run before = Cli.run("--json", "--repo", repo, "snapshots");
        Cli.Run after = Cli.run("snapshots", "--repo", repo, "--json");
        assertThat(before.code()).isZero();
        assertThat(before.json().get(0).get("files").asLong()).isEqualTo(31);
        assertThat(after.json()).isEqualTo(before.json());
        Cli.Run v = Cli.run("--version");
        assertThat(v.code()).isZero();
        assertThat(v.out()).contains("repository format 1").contains("Java");
    }

    @Test
    void skippedSpecialFilesExitThreeAndAreListed() throws Exception {
        Process p = new ProcessBuilder("mkfifo", src.resolve("a-fifo").toString()).start();
        assertThat(p.waitFor()).isZero();
        Cli.Run r = Cli.run("archive", "--json", "--repo", repo, src.toString());
        assertThat(r.code()).as(r.toString()).isEqualTo(3);
        JsonNode skipped = r.json().get("skipped");
        assertThat(skipped).hasSize(1);
        assertThat(skipped.get(0).get("path").asText()).endsWith("/src/a-fifo");
        assertThat(skipped.get(0).get("reason").asText()).contains("FIFO");
        assertThat(r.json().get("files").asLong()).isEqualTo(31);
        // the snapshot is still written and restorable
        assertThat(Cli.run("verify", "--repo", repo).code()).isZero();
    }

    @Test
    void flippedByteInAChunkIsCaughtByVerifyAndRestore() throws IOException {
        String id = archiveOk();
        Path chunk = onlyChunk();
        byte[] b = Files.readAllBytes(chunk);
        b[b.length / 3] ^= 0x01;
        Files.write(chunk, b);

        Cli.Run quick = Cli.run("verify", "--quick", "--json", "--repo", repo);
        assertThat(quick.code()).as("a same-size flip passes the quick check").isZero();

        Cli.Run v = Cli.run("verify", "--json", "--repo", repo);
        assertThat(v.code()).as(v.toString()).isEqualTo(4);
        assertThat(v.json().get("ok").asBoolean()).isFalse();
        JsonNode problem = v.json().get("problems").get(0);
        assertThat(problem.get("kind").asText()).isEqualTo("damaged");
        assertThat(problem.get("object").asText()).isEqualTo("chunks/" + id + "/000000.tar.zst");

        Path out = tmp.resolve("out");
        Cli.Run r = Cli.run("restore", "--repo", repo, "--target", out.toString());
        assertThat(r.code()).as(r.toString()).isEqualTo(4);
        assertThat(r.out()).doesNotContain("restored");
        assertThat(r.err()).contains("chunks/" + id + "/000000.tar.zst");
    }

    @Test
    void deletedChunkIsMissingForQuickAndFullVerify() throws IOException {
        archiveOk();
        Files.delete(onlyChunk());
        for (String mode : List.of("--quick", "--read-data")) {
            Cli.Run v = Cli.run("verify", mode, "--json", "--repo", repo);
            assertThat(v.code()).as(v.toString()).isEqualTo(4);
            assertThat(v.json().get("problems").get(0).get("kind").asText()).isEqualTo("missing");
        }
    }

    @Test
    void truncatedManifestIsCaughtByVerifyAndRestore() throws IOException {
        String id = archiveOk();
        Path manifest = tmp.resolve("repo/manifests/" + id + ".jsonl.zst");
        byte[] b = Files.readAllBytes(manifest);
        Files.write(manifest, java.util.Arrays.copyOf(b, b.length - 40));

        Cli.Run v = Cli.run("verify", "--json", "--repo", repo);
        assertThat(v.code()).isEqualTo(4);
        assertThat(v.json().get("problems").toString()).contains("manifests/" + id + ".jsonl.zst");
        assertThat(Cli.run("verify", "--quick", "--repo", repo).code()).isEqualTo(4);

        Path out = tmp.resolve("out");
        Cli.Run r = Cli.run("restore", "--repo", repo, "--target", out.toString());
        assertThat(r.code()).as(r.toString()).isNotZero();
        assertThat(r.out()).doesNotContain("restored");
        assertThat(out).satisfiesAnyOf(p -> assertThat(Files.exists(p)).isFalse(),
                p -> assertThat(Files.list(p).count()).as("nothing written before validation").isZero());
    }

    @Test
    void restoreRefusesToReplaceUnlessOverwrite() throws IOException {
        archiveOk();
        Path out = tmp.resolve("out");
        assertThat(Cli.run("restore", "--repo", repo, "--target", out.toString()).code()).isZero();
        Path hello = out.resolve(src.toString().substring(1)).resolve("hello.txt");
        Files.writeString(hello, "changed");
        Cli.Run again = Cli.run("restore", "--repo", repo, "--target", out.toString());
        assertThat(again.code()).isEqualTo(1);
        assertThat(again.err()).contains("--overwrite");
        assertThat(Files.readString(hello)).isEqualTo("changed");
        assertThat(Cli.run("restore", "--repo", repo, "--target", out.toString(), "--overwrite").code()).isZero();
        assertThat(Files.readString(hello)).isEqualTo("hello\n");
    }

    @Test
    void verifyLocalReportsMissingChangedAndExtraPaths() throws IOException {
        archiveOk();
        Path out = tmp.resolve("out");
        assertThat(Cli.run("restore", "--repo", repo, "--target", out.toString()).code()).isZero();
        assertThat(Cli.run("verify", "--repo", repo, "--local", out.toString()).code()).isZero();
        Path base = out.resolve(src.toString().substring(1));
        Files.delete(base.resolve("d/f1"));
        Files.writeString(base.resolve("hello.txt"), "HELLO\n");
        Files.setLastModifiedTime(base.resolve("hello.txt"),
                Files.getLastModifiedTime(src.resolve("hello.txt")));
        Files.writeString(base.resolve("d/new"), "x");
        Cli.Run v = Cli.run("verify", "--json", "--repo", repo, "--local", out.toString());
        assertThat(v.code()).isEqualTo(4);
        String problems = v.json().get("problems").toString();
        assertThat(problems).contains("\"missing\"").contains("d/f1")
                .contains("\"changed\"").contains("hello.txt").contains("content differs")
                .contains("\"extra\"").contains("d/new");
    }

    @Test
    void partialRestoreTakesOnlyTheSubtree() throws IOException {
        archiveOk();
        Path out = tmp.resolve("out");
        Cli.Run r = Cli.run("restore", "--json", "--repo", repo, "--target", out.toString(), "--path",
                src.resolve("hello.txt").toString());
        assertThat(r.code()).as(r.toString()).isZero();
        assertThat(r.json().get("files").asLong()).isEqualTo(1);
        Path base = out.resolve(src.toString().substring(1));
        assertThat(Files.readString(base.resolve("hello.txt"))).isEqualTo("hello\n");
        assertThat(base.resolve("d")).doesNotExist();
    }
}

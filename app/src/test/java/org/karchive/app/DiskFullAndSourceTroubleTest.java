package org.karchive.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A restore onto a full disk, and files that change under a running archive. */
class DiskFullAndSourceTroubleTest {
    @TempDir
    Path tmp;

    private static int sh(String... cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        p.getInputStream().readAllBytes();
        return p.waitFor();
    }

    @Test
    void restoreOntoAFullDiskFailsNamingThePathAndARerunCompletesOnceThereIsSpace() throws Exception {
        Path src = FaultTrees.tree(tmp.resolve("src"), 5, 20, 8 << 20);
        String repo = tmp.resolve("repo").toUri().toString();
        assertThat(Cli.run("archive", "--json", "--repo", repo, src.toString()).code()).isZero();

        Path disk = tmp.resolve("disk");
        Files.createDirectories(disk);
        // root with CAP_SYS_ADMIN here; elsewhere (no root, no mount namespace) there is no small disk to fill
        Assumptions.assumeTrue(sh("mount", "-t", "tmpfs", "-o", "size=16m", "tmpfs", disk.toString()) == 0,
                "cannot mount a 16 MiB tmpfs (needs root); ulimit -f would raise SIGXFSZ, not ENOSPC");
        try {
            Path filler = disk.resolve("filler");
            Files.write(filler, new byte[10 << 20]);
            Path out = disk.resolve("out");
            Cli.Run r = Cli.run("restore", "--repo", repo, "--target", out.toString());
            assertThat(r.code()).as(r.toString()).isEqualTo(1);
            String line = r.err().strip();
            assertThat(line.lines().count()).as(line).isEqualTo(1);
            assertThat(line).contains("No space left on device").contains(out.toString());
            FaultTrees.assertNothingWrongLeft(src, out);

            Files.delete(filler);
            Cli.Run again = Cli.run("restore", "--json", "--repo", repo, "--target", out.toString(), "--overwrite");
            assertThat(again.code()).as(again.toString()).isZero();
            assertThat(Cli.run("verify", "--repo", repo, "--local", out.toString()).code()).isZero();
            assertThat(FaultTrees.assertSameFiles(src, FaultTrees.restored(out, src))).isEqualTo(22);
        } finally {
            sh("umount", "-l", disk.toString());
        }
    }

    @Test
    void filesDeletedOrGrowingWhileArchivedAreListedAndTheRestIsKept() throws Exception {
        Path src = FaultTrees.tree(tmp.resolve("src"), 6, 10, 0);
        // read first (byte order of names) and slow enough that the walk is done long before it ends
        Path first = src.resolve("a-first.bin");
        try (OutputStream o = Files.newOutputStream(first)) {
            byte[] b = new byte[1 << 20];
            for (int i = 0; i < 192; i++) {
                b[i] = (byte) i;
                o.write(b);
            }
        }
        Path growing = src.resolve("d0").resolve("b-growing.log");
        Files.write(growing, new byte[24 << 20]);
        Path victim = src.resolve("z-victim.dcm");
        Files.writeString(victim, "deleted before it is read");
        String repo = tmp.resolve("repo").toUri().toString();

        AtomicBoolean stop = new AtomicBoolean();
        CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
            try (OutputStream o = Files.newOutputStream(growing, StandardOpenOption.APPEND)) {
                while (!stop.get()) {
                    o.write(new byte[4096]);
                    o.flush();
                    Thread.sleep(1);
                }
            } catch (IOException | InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        CompletableFuture<Cli.Run> run = CompletableFuture.supplyAsync(
                () -> Cli.run("archive", "--json", "--repo", repo, "--level", "1", src.toString()));
        // once the run has started (its journal exists) the walk lists the directory at once, and then
        // spends a while reading a-first.bin before it comes to z-victim.dcm
        Path runs = tmp.resolve("repo").resolve("runs");
        KillAndResumeTest.waitFor(() -> {
            try (var l = Files.list(runs)) {
                return l.findAny().isPresent();
            } catch (IOException e) {
                return false;
            }
        }, 60);
        Thread.sleep(100);
        Files.delete(victim);
        Cli.Run r = run.get();
        stop.set(true);
        writer.get();

        assertThat(r.code()).as(r.toString()).isEqualTo(3);
        JsonNode skipped = r.json().get("skipped");
        String listed = skipped.toString();
        assertThat(listed).contains("z-victim.dcm").contains("b-growing.log");
        // everything else is in the snapshot and restores with the right hashes
        Path out = tmp.resolve("out");
        assertThat(Cli.run("verify", "--repo", repo).code()).isZero();
        Cli.Run restore = Cli.run("restore", "--json", "--repo", repo, "--target", out.toString());
        assertThat(restore.code()).as(restore.toString()).isZero();
        Path back = FaultTrees.restored(out, src);
        for (Path p : java.util.List.of(first, src.resolve("empty"), src.resolve("d1"))) {
            assertThat(Files.exists(back.resolve(src.relativize(p)))).as(p.toString()).isTrue();
        }
        assertThat(FaultTrees.sha256(back.resolve("a-first.bin"))).isEqualTo(FaultTrees.sha256(first));
        assertThat(Files.exists(back.resolve("z-victim.dcm"))).isFalse();
    }

    @Test
    void anUnreadableDirectoryIsListedAndTheRestIsKept() throws Exception {
        Path src = FaultTrees.tree(tmp.resolve("src"), 8, 6, 0);
        Path closed = src.resolve("d1");
        Files.setPosixFilePermissions(closed, java.util.Set.of());
        try {
            // root (CAP_DAC_OVERRIDE) lists a mode-000 directory anyway; nothing else here makes one unreadable
            Assumptions.assumeFalse(Files.isReadable(closed), "running as root: permission bits do not stop reads");
            String repo = tmp.resolve("repo").toUri().toString();
            Cli.Run r = Cli.run("archive", "--json", "--repo", repo, src.toString());
            assertThat(r.code()).as(r.toString()).isEqualTo(3);
            assertThat(r.json().get("skipped").toString()).contains("/d1").contains("cannot list directory");
            assertThat(Cli.run("verify", "--repo", repo).code()).isZero();
        } finally {
            Files.setPosixFilePermissions(closed, java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"));
        }
    }
}

package org.karchive.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Incremental snapshots, forget and prune through the real command line. */
class IncrementalAndPruneTest {
    @TempDir
    Path tmp;

    private final Random rnd = new Random(11);
    private int restores;

    private void write(Path p, int size) throws IOException {
        Files.createDirectories(p.getParent());
        byte[] b = new byte[size];
        rnd.nextBytes(b);
        Files.write(p, b);
    }

    private JsonNode ok(String... args) {
        Cli.Run r = Cli.run(args);
        assertThat(r.code()).as(r.toString()).isZero();
        return r.json();
    }

    /** Restores snapshot {@code id} and returns a listing (path, size, content hash) of it. */
    private List<String> restored(String repo, String id, Path src) throws IOException {
        Path out = tmp.resolve("out-" + id + "-" + (++restores));
        ok("restore", "--json", "--repo", repo, "--target", out.toString(), id);
        ok("verify", "--json", "--repo", repo, "--local", out.toString(), id);
        return listing(out.resolve(src.toString().substring(1)));
    }

    private static List<String> listing(Path root) throws IOException {
        List<String> out = new ArrayList<>();
        try (Stream<Path> s = Files.walk(root)) {
            for (Path p : s.sorted().toList()) {
                String rel = root.relativize(p).toString();
                out.add(Files.isDirectory(p) ? rel + "/" : rel + " " + Files.size(p) + " "
                        + org.karchive.format.Sha256.of(Files.readAllBytes(p)));
            }
        }
        return out;
    }

    @Test
    void changesBetweenSnapshotsRestoreExactlyAndOnlyChangesAreStored() throws IOException {
        Path src = tmp.resolve("src");
        for (int i = 0; i < 40; i++) {
            write(src.resolve("dir" + (i % 4)).resolve("file" + i), 40_000);
        }
        String repo = tmp.resolve("repo").toUri().toString();
        JsonNode first = ok("archive", "--json", "--repo", repo, src.toString());
        assertThat(first.get("newBytes").asLong()).isEqualTo(1_600_000);
        List<String> v1 = listing(src);

        JsonNode same = ok("archive", "--json", "--repo", repo, src.toString());
        assertThat(same.get("parent").asText()).isEqualTo(first.get("snapshot").asText());
        assertThat(same.get("newBytes").asLong()).isZero();
        assertThat(same.get("storedBytes").asLong()).isLessThan(20_000);

        write(src.resolve("dir1/file1"), 40_001);                         // changed
        Files.delete(src.resolve("dir2/file2"));                          // deleted
        write(src.resolve("dir9/new"), 10_000);                           // added
        Files.move(src.resolve("dir3/file3"), src.resolve("dir3/renamed")); // renamed
        JsonNode third = ok("archive", "--json", "--repo", repo, src.toString());
        assertThat(third.get("newBytes").asLong()).isEqualTo(40_001 + 10_000 + 40_000);
        List<String> v3 = listing(src);

        JsonNode full = ok("archive", "--json", "--full", "--repo", repo, src.toString());
        assertThat(full.get("newBytes").asLong()).isEqualTo(full.get("bytes").asLong());

        assertThat(restored(repo, first.get("snapshot").asText(), src)).isEqualTo(v1);
        assertThat(restored(repo, same.get("snapshot").asText(), src)).isEqualTo(v1);
        assertThat(restored(repo, third.get("snapshot").asText(), src)).isEqualTo(v3);
        assertThat(v3).isNotEqualTo(v1);

        // forget all but the newest two and prune: what is left still verifies and restores
        JsonNode forget = ok("forget", "--json", "--repo", repo, "--keep-last", "2", "--prune", "--grace", "0");
        assertThat(forget.get("remove")).hasSize(2);
        assertThat(forget.get("prune").get("deleted").size()).isGreaterThan(0);
        JsonNode snaps = ok("snapshots", "--json", "--repo", repo);
        assertThat(snaps).hasSize(2);
        for (JsonNode s : snaps) {
            ok("verify", "--json", "--repo", repo, s.get("id").asText());
        }
        assertThat(restored(repo, third.get("snapshot").asText(), src)).isEqualTo(v3);
    }

    @Test
    void pruneKeepsYoungUnreferencedObjectsAndDryRunDeletesNothing() throws IOException {
        Path src = tmp.resolve("src");
        write(src.resolve("a"), 100_000);
        String repo = tmp.resolve("repo").toUri().toString();
        ok("archive", "--json", "--repo", repo, src.toString());
        write(src.resolve("a"), 100_000);
        ok("archive", "--json", "--repo", repo, src.toString());
        ok("forget", "--json", "--repo", repo, "--keep-last", "1");
        JsonNode young = ok("prune", "--json", "--repo", repo);
        assertThat(young.get("deleted")).isEmpty();
        assertThat(young.get("keptYoung").asLong()).isEqualTo(2);
        JsonNode dry = ok("prune", "--json", "--dry-run", "--repo", repo, "--grace", "0");
        assertThat(dry.get("deleted")).hasSize(2);
        JsonNode real = ok("prune", "--json", "--repo", repo, "--grace", "0");
        assertThat(real.get("deleted")).hasSize(2);
        assertThat(ok("prune", "--json", "--repo", repo, "--grace", "0").get("deleted")).isEmpty();
        ok("verify", "--json", "--repo", repo);
    }

    @Test
    void forgetWithoutAPolicyIsAUsageError() {
        assertThat(Cli.run("forget", "--repo", tmp.toUri().toString()).code()).isEqualTo(2);
    }
}

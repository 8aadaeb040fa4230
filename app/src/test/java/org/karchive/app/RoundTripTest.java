package org.karchive.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.karchive.testsupport.KaapanaCorpus;
import org.karchive.testsupport.SparseCheck;
import org.karchive.testsupport.TreeListing;

/**
 * A Kaapana-shaped tree with every edge case (owners, modes incl. setgid/sticky, ns and pre-1970
 * mtimes, symlinks, hard links, empty dirs, sparse file, long and odd names, a FIFO) archived and
 * restored, comparing full metadata listings; and the same chunks restored with stock zstd and tar.
 */
class RoundTripTest {
    static final long SPARSE = 64L << 20;

    @TempDir
    static Path tmp;
    static Path src;
    static String repo;
    static JsonNode archived;

    @BeforeAll
    static void archive() throws Exception {
        src = tmp.resolve("src");
        KaapanaCorpus.builder().seed(5).scale(0.01).edgeCases(true).sparseSize(SPARSE).build().generate(src);
        repo = tmp.resolve("repo").toUri().toString();
        Cli.Run r = Cli.run("archive", "--json", "--repo", repo, src.toString());
        assertThat(r.code()).as(r.toString()).isEqualTo(3);
        archived = r.json();
    }

    private TreeListing listing(Path root) throws Exception {
        return TreeListing.of(root, root, TreeListing.Options.defaults().withSpecialFiles(false));
    }

    /** The one expected difference: the file whose name has a backslash was not archived. */
    private static String skippedLine(TreeListing before) {
        List<String> lines = before.lines().stream().filter(l -> l.startsWith("edge/names/") && l.contains(BACKSLASH_NAME + "\t")).toList();
        assertThat(lines).hasSize(1);
        return "- " + lines.get(0);
    }

    private Path sparseFile(Path root) throws Exception {
        try (Stream<Path> s = Files.walk(root)) {
            return s.filter(p -> p.getFileName().toString().equals("disk.img")).findFirst().orElseThrow();
        }
    }

    /** A backslash is refused in stored paths (a restore must never meet one), so that file is skipped. */
    static final String BACKSLASH_NAME = "back.txt";

    @Test
    void onlyTheFifoAndTheBackslashNameAreSkipped() {
        assertThat(archived.get("skipped")).hasSize(2);
        assertThat(archived.get("skipped").get(0).get("path").asText()).endsWith("back.txt");
        assertThat(archived.get("skipped").get(0).get("reason").asText()).contains("backslash");
        assertThat(archived.get("skipped").get(1).get("path").asText()).endsWith("/fifo");
        assertThat(archived.get("skipped").get(1).get("reason").asText()).contains("FIFO");
        assertThat(archived.get("files").asLong()).isGreaterThan(300);
    }

    @Test
    void restoreRecreatesEveryAttribute() throws Exception {
        Path out = tmp.resolve("restore");
        Cli.Run r = Cli.run("restore", "--json", "--repo", repo, "--target", out.toString(), "--preserve-setid");
        assertThat(r.code()).as(r.toString()).isZero();
        Path restored = out.resolve(src.toString().substring(1));
        TreeListing before = listing(src);
        TreeListing after = listing(restored);
        assertThat(before.diff(after)).as("differences").containsExactly(skippedLine(before));
        assertThat(after.lines()).hasSize(before.lines().size() - 1).hasSizeGreaterThan(600);

        Path sparse = sparseFile(restored);
        assertThat(Files.size(sparse)).isEqualTo(SPARSE);
        assertThat(SparseCheck.allocatedBytes(sparse)).as("holes recreated").isLessThan(SPARSE / 4);

        Cli.Run v = Cli.run("verify", "--json", "--repo", repo, "--local", out.toString());
        assertThat(v.code()).as(v.toString()).isZero();
    }

    @Test
    void setidBitsAreDroppedUnlessAsked() throws Exception {
        Path out = tmp.resolve("restore-nosetid");
        assertThat(Cli.run("restore", "--repo", repo, "--target", out.toString()).code()).isZero();
        List<String> setid = new ArrayList<>();
        try (Stream<Path> s = Files.walk(out)) {
            for (Path p : s.toList()) {
                if (!Files.isSymbolicLink(p)) {
                    int mode = (Integer) Files.getAttribute(p, "unix:mode");
                    if ((mode & 06000) != 0) {
                        setid.add(p.toString());
                    }
                }
            }
        }
        assertThat(setid).isEmpty();
        try (Stream<Path> s = Files.walk(src)) {
            assertThat(s.filter(p -> !Files.isSymbolicLink(p)).anyMatch(p -> {
                try {
                    return ((Integer) Files.getAttribute(p, "unix:mode") & 06000) != 0;
                } catch (java.io.IOException e) {
                    return false;
                }
            })).as("the corpus has setgid entries").isTrue();
        }
    }

    @Test
    void stockZstdAndTarRestoreTheChunks() throws Exception {
        Path repoDir = tmp.resolve("repo");
        String id = archived.get("snapshot").asText();
        JsonNode index = org.karchive.format.Json.MAPPER.readTree(repoDir.resolve("snapshots/" + id + ".json")
                .toFile());
        Path out = tmp.resolve("stock");
        Files.createDirectories(out);
        for (JsonNode c : index.get("chunks")) {
            Path chunk = repoDir.resolve(c.get("key").asText());
            Process p = new ProcessBuilder("bash", "-c", "set -o pipefail; zstd -dc \"$0\" | tar -x --numeric-owner -p -C \"$1\"",
                    chunk.toString(), out.toString()).redirectErrorStream(true).start();
            String output = new String(p.getInputStream().readAllBytes());
            assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
            assertThat(p.exitValue()).as(output).isZero();
        }
        Path restored = out.resolve(src.toString().substring(1));
        TreeListing before = listing(src);
        assertThat(before.diff(listing(restored))).as("differences").containsExactly(skippedLine(before));
        assertThat(SparseCheck.allocatedBytes(sparseFile(restored))).isLessThan(SPARSE / 4);
    }
}

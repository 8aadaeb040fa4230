package org.karchive.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.karchive.app.ops.RestoreOperation;
import org.karchive.app.ops.Selection;
import org.karchive.app.repo.Repository;
import org.karchive.format.Extractor;
import org.karchive.format.FormatException;
import org.karchive.store.LocalDirectoryStore;
import org.karchive.store.ObjectStore;
import org.karchive.testsupport.KaapanaCorpus;
import org.karchive.testsupport.TreeListing;

/**
 * {@code restore --kaapana-remap}: a Kaapana tree archived, then restored into a "reinstalled"
 * target where every volume folder exists under a new uuid, except one.
 */
class KaapanaRemapTest {
    @TempDir
    static Path tmp;
    static Path src;
    static String repo;
    /** Archived volume folder name to its name in the reinstalled target (null: missing there). */
    static final TreeMap<String, String> renamed = new TreeMap<>();
    static String missing;
    static String pgVolume;

    @BeforeAll
    static void archive() throws Exception {
        System.setProperty(FakeKubectl.PROPERTY, FakeKubectl.unreachable(tmp).toString());
        src = tmp.resolve("kaapana");
        KaapanaCorpus.builder().seed(21).scale(0.01).build().generate(src);
        List<String> volumes = new ArrayList<>();
        try (DirectoryStream<Path> s = Files.newDirectoryStream(src, "*-pvc-*")) {
            s.forEach(p -> volumes.add(p.getFileName().toString()));
        }
        volumes.sort(null);
        assertThat(volumes).hasSizeGreaterThan(5);
        // a hard-link pair inside a volume: the link target must be remapped like the link
        String minio = volumes.stream().filter(v -> v.startsWith("services-minio-")).findFirst().orElseThrow();
        Files.writeString(src.resolve(minio + "/linked-a"), "same inode\n");
        Files.createLink(src.resolve(minio + "/linked-b"), src.resolve(minio + "/linked-a"));
        repo = tmp.resolve("repo").toUri().toString();
        Cli.Run r = Cli.run("archive", "--repo", repo, "--kaapana", "--fast-data-dir", src.toString(),
                "--slow-data-dir", src.toString());
        assertThat(r.code()).as(r.toString()).isZero();

        missing = volumes.stream().filter(v -> v.startsWith("admin-tls-")).findFirst().orElse(volumes.get(0));
        for (String v : volumes) {
            String prefix = v.substring(0, v.length() - 36);
            renamed.put(v, v.equals(missing) ? null : prefix + UUID.nameUUIDFromBytes(v.getBytes()));
        }
        pgVolume = volumes.stream().filter(v -> Files.exists(src.resolve(v + "/data/PG_VERSION"))).findFirst()
                .orElseThrow();
    }

    @AfterAll
    static void clearKubectl() {
        System.clearProperty(FakeKubectl.PROPERTY);
    }

    /** A target as a deploy-then-undeploy leaves it: new empty volume folders, a fresh PGDATA in one. */
    private static Path reinstalled(String name) throws Exception {
        Path t = tmp.resolve(name);
        Path data = t.resolve(src.toString().substring(1));
        for (String to : renamed.values()) {
            if (to != null) {
                Files.createDirectories(data.resolve(to));
            }
        }
        Path freshPg = Files.createDirectories(data.resolve(renamed.get(pgVolume)).resolve("data"));
        Files.writeString(freshPg.resolve("PG_VERSION"), "17\n");
        return t;
    }

    private static TreeListing below(Path dir) throws Exception {
        return TreeListing.of(dir);
    }

    @Test
    void restoresIntoTheNewFoldersAndPrintsTheMappingFirst() throws Exception {
        Path t = reinstalled("target");
        Path data = t.resolve(src.toString().substring(1));
        Cli.Run r = Cli.run("restore", "--repo", repo, "--target", t.toString(), "--kaapana-remap", "--overwrite");
        assertThat(r.code()).as(r.toString()).isZero();
        for (var e : renamed.entrySet()) {
            if (e.getValue() != null) {
                assertThat(r.err()).contains("/" + e.getKey() + " -> " + e.getValue());
                assertThat(below(data.resolve(e.getValue())).diff(below(src.resolve(e.getKey()))))
                        .as(e.getKey()).isEmpty();
                assertThat(data.resolve(e.getKey())).doesNotExist();
            }
        }
        assertThat(r.err()).contains("restored under the old name").contains("/" + missing + "\n");
        assertThat(below(data.resolve(missing)).diff(below(src.resolve(missing)))).isEmpty();
        assertThat(below(data.resolve("workflows")).diff(below(src.resolve("workflows")))).isEmpty();
        assertThat(Files.readString(data.resolve("version"))).isEqualTo(Files.readString(src.resolve("version")));
        String minio = renamed.get(renamed.keySet().stream().filter(v -> v.startsWith("services-minio-"))
                .findFirst().orElseThrow());
        assertThat(Files.isSameFile(data.resolve(minio + "/linked-a"), data.resolve(minio + "/linked-b"))).isTrue();
        // the mapping is printed before the restore reports anything
        assertThat(r.err().indexOf("kaapana remap")).isZero();
    }

    @Test
    void jsonListsTheRemapAndDryRunWritesNothing() throws Exception {
        Path t = reinstalled("dry");
        TreeListing before = TreeListing.of(t);
        Cli.Run r = Cli.run("restore", "--json", "--repo", repo, "--target", t.toString(), "--kaapana-remap",
                "--overwrite", "--dry-run");
        assertThat(r.code()).as(r.toString()).isZero();
        assertThat(TreeListing.of(t).diff(before)).isEmpty();
        JsonNode doc = r.json();
        assertThat(doc.get("dryRun").asBoolean()).isTrue();
        assertThat(doc.get("files").asLong()).isGreaterThan(100);
        JsonNode remap = doc.get("remap");
        assertThat(remap).hasSize(renamed.size());
        for (JsonNode m : remap) {
            String to = renamed.get(m.get("from").asText());
            assertThat(m.get("dataDir").asText()).isEqualTo(src.toString());
            assertThat(m.get("matched").asBoolean()).isEqualTo(to != null);
            assertThat(m.get("to").asText()).isEqualTo(to != null ? to : m.get("from").asText());
        }
        assertThat(r.err()).contains("-> " + renamed.get(pgVolume));
    }

    @Test
    void withoutOverwriteTheFreshInstallIsNamed() throws Exception {
        Path t = reinstalled("fresh");
        TreeListing before = TreeListing.of(t);
        Cli.Run r = Cli.run("restore", "--repo", repo, "--target", t.toString(), "--kaapana-remap");
        assertThat(r.code()).as(r.toString()).isEqualTo(1);
        assertThat(r.err()).contains("fresh deploy").contains("use --overwrite to replace it")
                .contains(renamed.get(pgVolume) + "/data/PG_VERSION");
        assertThat(TreeListing.of(t).diff(before)).isEmpty();
    }

    @Test
    void twoCandidateFoldersAreRefused() throws Exception {
        Path t = reinstalled("ambiguous");
        String to = renamed.get(pgVolume);
        String orphan = to.substring(0, to.length() - 36) + "00000000-0000-4000-8000-000000000000";
        Files.createDirectories(t.resolve(src.toString().substring(1)).resolve(orphan));
        TreeListing before = TreeListing.of(t);
        Cli.Run r = Cli.run("restore", "--repo", repo, "--target", t.toString(), "--kaapana-remap", "--overwrite");
        assertThat(r.code()).as(r.toString()).isEqualTo(1);
        assertThat(r.err()).contains("cannot remap").contains(orphan).contains(to);
        assertThat(TreeListing.of(t).diff(before)).isEmpty();
    }

    @Test
    void withoutRemapTheOldNamesAreUsed() throws Exception {
        Path t = tmp.resolve("plain");
        Cli.Run r = Cli.run("restore", "--repo", repo, "--target", t.toString(), "--path", src + "/" + pgVolume);
        assertThat(r.code()).as(r.toString()).isZero();
        assertThat(below(t.resolve(src.toString().substring(1)).resolve(pgVolume)).diff(below(src.resolve(pgVolume))))
                .isEmpty();
    }

    @Test
    void inPlaceAfterAReinstall() throws Exception {
        Path home = tmp.resolve("inplace/kaapana");
        KaapanaCorpus.builder().seed(22).scale(0.01).build().generate(home);
        Path copy = tmp.resolve("inplace/original");
        String repo2 = tmp.resolve("inplace/repo").toUri().toString();
        Cli.Run a = Cli.run("archive", "--repo", repo2, "--kaapana", "--fast-data-dir", home.toString(),
                "--slow-data-dir", home.toString());
        assertThat(a.code()).as(a.toString()).isZero();
        // keep the original aside, then "reinstall": the same volumes, empty, under new uuids
        Files.move(home, copy);
        List<String> volumes = new ArrayList<>();
        try (DirectoryStream<Path> s = Files.newDirectoryStream(copy, "*-pvc-*")) {
            s.forEach(p -> volumes.add(p.getFileName().toString()));
        }
        TreeMap<String, String> moved = new TreeMap<>();
        for (String v : volumes) {
            String to = v.substring(0, v.length() - 36) + UUID.nameUUIDFromBytes(("new" + v).getBytes());
            Files.createDirectories(home.resolve(to));
            moved.put(v, to);
        }
        Cli.Run r = Cli.run("restore", "--repo", repo2, "--in-place", "--kaapana-remap", "--overwrite");
        assertThat(r.code()).as(r.toString()).isZero();
        for (var e : moved.entrySet()) {
            assertThat(r.err()).contains(home + "/" + e.getKey() + " -> " + e.getValue());
            assertThat(below(home.resolve(e.getValue())).diff(below(copy.resolve(e.getKey())))).isEmpty();
            assertThat(home.resolve(e.getKey())).doesNotExist();
        }
        assertThat(below(home.resolve("airflow")).diff(below(copy.resolve("airflow")))).isEmpty();
    }

    @Test
    void mappedPathsMustStillBeSafe() throws Exception {
        Path t = tmp.resolve("unsafe");
        try (ObjectStore store = new LocalDirectoryStore(tmp.resolve("repo"))) {
            Repository r = Repository.open(store);
            RestoreOperation op = new RestoreOperation(r, Extractor.Options.defaults().withOverwrite(true),
                    new Extractor.Listener() {
                    }).withMapper(p -> p.replace("/" + pgVolume, "/../../../escape"));
            assertThatThrownBy(() -> op.run(null, t, Selection.of(List.of()))).isInstanceOf(FormatException.class)
                    .hasMessageContaining("unsafe path").hasMessageContaining("escape");
        }
        assertThat(t).doesNotExist();
        assertThat(tmp.resolve("escape")).doesNotExist();
    }
}

package org.karchive.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.karchive.format.Json;
import org.karchive.testsupport.KaapanaCorpus;

/** {@code archive --kaapana}: which dirs, what the index records, and the preflight's refusals. */
class KaapanaArchiveTest {
    @TempDir
    static Path shared;
    static Path corpus;

    @TempDir
    Path tmp;

    @BeforeAll
    static void generate() throws Exception {
        corpus = shared.resolve("kaapana");
        KaapanaCorpus.builder().seed(11).scale(0.01).build().generate(corpus);
    }

    @AfterEach
    void clearKubectl() {
        System.clearProperty(FakeKubectl.PROPERTY);
    }

    private String repo() {
        return tmp.resolve("repo").toUri().toString();
    }

    private JsonNode index(JsonNode archived) throws Exception {
        Path f = tmp.resolve("repo/snapshots/" + archived.get("snapshot").asText() + ".json");
        return Json.MAPPER.readTree(f.toFile());
    }

    private static Path somePgdata(Path root) throws Exception {
        try (Stream<Path> s = Files.walk(root)) {
            return s.filter(p -> p.getFileName().toString().equals("PG_VERSION")).map(Path::getParent).sorted()
                    .findFirst().orElseThrow();
        }
    }

    @Test
    void archivesTheDataDirOnceAndRecordsKaapanaAndItsVersion() throws Exception {
        System.setProperty(FakeKubectl.PROPERTY, FakeKubectl.unreachable(tmp).toString());
        Cli.Run r = Cli.run("archive", "--json", "--verbose", "--repo", repo(), "--kaapana",
                "--fast-data-dir", corpus.toString(), "--slow-data-dir", corpus + "/");
        assertThat(r.code()).as(r.toString()).isZero();
        JsonNode idx = index(r.json());
        assertThat(idx.get("paths")).hasSize(1);
        assertThat(idx.get("paths").get(0).asText()).isEqualTo(corpus.toString());
        JsonNode k = idx.get("kaapana");
        assertThat(k.get("fastDataDir").asText()).isEqualTo(corpus.toString());
        assertThat(k.get("slowDataDir").asText()).isEqualTo(corpus.toString());
        assertThat(k.get("version").asText()).isEqualTo("0.6.0");
        assertThat(k.get("hot").asBoolean()).isFalse();
        assertThat(r.json().get("files").asLong()).isGreaterThan(100);
        assertThat(r.err()).contains("could not reach a cluster").contains("connection to the server");
    }

    @Test
    void pathsAndKaapanaExcludeEachOther() {
        Cli.Run r = Cli.run("archive", "--repo", repo(), "--kaapana", corpus.toString());
        assertThat(r.code()).as(r.toString()).isEqualTo(2);
        assertThat(r.err()).contains("--kaapana");
        Cli.Run none = Cli.run("archive", "--repo", repo());
        assertThat(none.code()).as(none.toString()).isEqualTo(2);
        Cli.Run hot = Cli.run("archive", "--repo", repo(), "--allow-hot", corpus.toString());
        assertThat(hot.code()).as(hot.toString()).isEqualTo(2);
    }

    @Test
    void runningPostgresRefusesUnlessAllowHot() throws Exception {
        System.setProperty(FakeKubectl.PROPERTY, FakeKubectl.unreachable(tmp).toString());
        Path src = tmp.resolve("src");
        KaapanaCorpus.builder().seed(12).scale(0.01).build().generate(src);
        Path pid = somePgdata(src).resolve("postmaster.pid");
        Files.writeString(pid, "42\n");
        Cli.Run r = Cli.run("archive", "--repo", repo(), "--kaapana", "--fast-data-dir", src.toString(),
                "--slow-data-dir", src.toString());
        assertThat(r.code()).as(r.toString()).isEqualTo(1);
        assertThat(r.err()).contains(pid.toString()).contains("PostgreSQL is running").contains("--allow-hot");
        assertThat(tmp.resolve("repo/snapshots")).satisfiesAnyOf(
                p -> assertThat(p).doesNotExist(), p -> assertThat(p).isEmptyDirectory());

        Cli.Run hot = Cli.run("archive", "--json", "--repo", repo(), "--kaapana", "--fast-data-dir", src.toString(),
                "--slow-data-dir", src.toString(),
                "--allow-hot");
        assertThat(hot.code()).as(hot.toString()).isZero();
        assertThat(hot.err()).contains("--allow-hot").contains(pid.toString());
        assertThat(index(hot.json()).get("kaapana").get("hot").asBoolean()).isTrue();
    }

    @Test
    void postgresDeeperThanTwoLevelsIsNotSearched() throws Exception {
        System.setProperty(FakeKubectl.PROPERTY, FakeKubectl.unreachable(tmp).toString());
        Path src = tmp.resolve("deep");
        Path pg = Files.createDirectories(src.resolve("a/b/c"));
        Files.writeString(pg.resolve("PG_VERSION"), "17\n");
        Files.writeString(pg.resolve("postmaster.pid"), "1\n");
        Cli.Run r = Cli.run("archive", "--repo", repo(), "--kaapana", "--fast-data-dir", src.toString(),
                "--slow-data-dir", src.toString());
        assertThat(r.code()).as(r.toString()).isZero();
        Files.move(pg, src.resolve("a/c"));
        Cli.Run refused = Cli.run("archive", "--repo", repo(), "--kaapana", "--fast-data-dir", src.toString(),
                "--slow-data-dir", src.toString());
        assertThat(refused.code()).as(refused.toString()).isEqualTo(1);
        assertThat(refused.err()).contains(src.resolve("a/c/postmaster.pid").toString());
    }

    @Test
    void kaapanaPodsRefuseOthersDoNot() throws Exception {
        Path alive = FakeKubectl.listing(tmp,
                "kube-system   calico-node-x7k2p                 1/1   Running     0   3d\n"
                + "services      dcm4chee-5d8f7b9c6-abcde          1/1   Running     0   3d\n"
                + "admin         keycloak-7f9c8d-xyz12             1/1   Running     0   3d\n");
        System.setProperty(FakeKubectl.PROPERTY, alive.toString());
        Cli.Run r = Cli.run("archive", "--repo", repo(), "--kaapana", "--fast-data-dir", corpus.toString(),
                "--slow-data-dir", corpus.toString());
        assertThat(r.code()).as(r.toString()).isEqualTo(1);
        assertThat(r.err()).contains("2 Kaapana pod(s)").contains("services/dcm4chee-5d8f7b9c6-abcde")
                .contains("admin/keycloak").doesNotContain("calico");

        Path undeployed = tmp.resolve("other");
        Files.createDirectories(undeployed);
        System.setProperty(FakeKubectl.PROPERTY, FakeKubectl.listing(undeployed,
                "kube-system   coredns-5d78c9869d-qwert          1/1   Running     0   3d\n"
                + "project-admin  train-model-abc                0/1   Completed   0   2d\n").toString());
        Cli.Run ok = Cli.run("archive", "--verbose", "--repo", repo(), "--kaapana", "--fast-data-dir",
                corpus.toString(), "--slow-data-dir", corpus.toString());
        assertThat(ok.code()).as(ok.toString()).isZero();
        assertThat(ok.err()).contains("kubectl lists no Kaapana pods");
    }

    @Test
    void environmentVariablesNameTheDataDirs() throws Exception {
        Path fast = tmp.resolve("fast");
        Path slow = tmp.resolve("slow");
        Files.createDirectories(fast.resolve("workflows"));
        Files.writeString(fast.resolve("version"), "0.6.1\n");
        Files.createDirectories(slow.resolve("services-minio-pvc-6f1c2a3b-0d4e-4f5a-8b6c-7d8e9f0a1b2c"));
        Map<String, String> env = Map.of("FAST_DATA_DIR", fast.toString(), "SLOW_DATA_DIR", slow.toString(),
                "KARCHIVE_KUBECTL", FakeKubectl.unreachable(tmp).toString());
        ChildKarchive child = new ChildKarchive(tmp, env);
        JsonNode doc = child.ok("archive", "--json", "--repo", repo(), "--kaapana");
        JsonNode idx = index(doc);
        assertThat(idx.get("paths")).extracting(JsonNode::asText).containsExactly(fast.toString(), slow.toString());
        assertThat(idx.get("kaapana").get("slowDataDir").asText()).isEqualTo(slow.toString());
        assertThat(idx.get("kaapana").get("version").asText()).isEqualTo("0.6.1");

        // an option wins over the environment; the same dir twice is archived once
        JsonNode once = child.ok("archive", "--json", "--repo", repo(), "--kaapana", "--slow-data-dir",
                fast.toString());
        assertThat(index(once).get("paths")).extracting(JsonNode::asText).containsExactly(fast.toString());
        assertThat(once.get("kaapana").get("slowDataDir").asText()).isEqualTo(fast.toString());

        // a kubectl named by the environment is used
        Map<String, String> aliveEnv = Map.of("FAST_DATA_DIR", fast.toString(), "SLOW_DATA_DIR", fast.toString(),
                "KARCHIVE_KUBECTL", FakeKubectl.listing(Files.createDirectories(tmp.resolve("bin")),
                        "project-alpha   jupyter-0   1/1   Running   0   1h\n").toString());
        ChildKarchive.Result refused = new ChildKarchive(tmp, aliveEnv).run("archive", "--repo", repo(), "--kaapana");
        assertThat(refused.code()).as(refused.stderr()).isEqualTo(1);
        assertThat(refused.stderr()).contains("project-alpha/jupyter-0");
    }
}

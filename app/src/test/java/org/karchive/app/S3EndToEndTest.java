package org.karchive.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.karchive.testsupport.KaapanaCorpus;
import org.karchive.testsupport.TreeListing;
import org.karchive.store.testing.S3TestServer;

/**
 * archive → verify → restore → verify --local through s3:// on the embedded S3 server, with each
 * S3 client, credentials only in the environment, comparing full metadata listings.
 */
class S3EndToEndTest {
    static S3TestServer s3;
    @TempDir
    static Path tmp;
    static Path src;

    @BeforeAll
    static void setUp() throws Exception {
        s3 = S3TestServer.start();
        src = tmp.resolve("src");
        KaapanaCorpus.builder().seed(9).scale(0.01).edgeCases(true).sparseSize(16L << 20).build().generate(src);
    }

    @AfterAll
    static void tearDown() throws Exception {
        s3.close();
    }

    @ParameterizedTest(name = "--s3-client {0}")
    @ValueSource(strings = {"aws", "minio"})
    void roundTripThroughS3(String client) throws Exception {
        ChildKarchive karchive = new ChildKarchive(tmp, s3.environment());
        String repo = s3.repoUrl("e2e-" + client);
        ChildKarchive.Result a = karchive.run("archive", "--json", "--s3-client", client, "--repo", repo,
                "--chunk-size", "4MiB", src.toString());
        assertThat(a.code()).as(a.stderr()).isEqualTo(3); // the FIFO and the backslash name are skipped
        assertThat(a.json().get("chunks").asInt()).isGreaterThan(2);

        JsonNode v = karchive.ok("verify", "--json", "--s3-client", client, "--repo", repo);
        assertThat(v.get("ok").asBoolean()).isTrue();
        assertThat(v.get("objects").asInt()).isEqualTo(a.json().get("chunks").asInt() + 1);

        Path out = tmp.resolve("out-" + client);
        JsonNode r = karchive.ok("restore", "--json", "--s3-client", client, "--repo", repo, "--target",
                out.toString(), "--preserve-setid");
        assertThat(r.get("files").asLong()).isEqualTo(a.json().get("files").asLong());
        karchive.ok("verify", "--json", "--s3-client", client, "--repo", repo, "--local", out.toString());

        TreeListing.Options opts = TreeListing.Options.defaults().withSpecialFiles(false);
        Path restored = out.resolve(src.toString().substring(1));
        var diff = TreeListing.of(src, src, opts).diff(TreeListing.of(restored, restored, opts));
        assertThat(diff).hasSize(1);
        assertThat(diff.get(0)).startsWith("- edge/names/").contains("back.txt");

        // a partial restore reads only some frames of the chunks
        Path one = tmp.resolve("one-" + client);
        JsonNode p = karchive.ok("restore", "--json", "--s3-client", client, "--repo", repo, "--target",
                one.toString(), "--path", src.resolve("edge").toString());
        assertThat(p.get("files").asLong()).isLessThan(r.get("files").asLong()).isGreaterThan(5);
    }

    @ParameterizedTest(name = "check-repo with --s3-client {0}")
    @ValueSource(strings = {"aws", "minio"})
    void checkRepoPassesOnARealServerAndCleansUp(String client) throws Exception {
        ChildKarchive karchive = new ChildKarchive(tmp, s3.environment());
        String repo = s3.repoUrl("check-" + client);
        JsonNode r = karchive.ok("check-repo", "--json", "--s3-client", client, "--repo", repo);
        assertThat(r.get("ok").asBoolean()).isTrue();
        assertThat(r.get("steps")).hasSize(9);
        assertThat(r.get("checksumMode").asText()).isEqualTo("auto");
        try (var store = org.karchive.store.ObjectStores.open(repo, s3.storeConfig())) {
            assertThat(store.list("")).isEmpty();
            assertThat(store.listPendingUploads("")).isEmpty();
        }
    }

    @ParameterizedTest(name = "--verbose with --s3-client {0}")
    @ValueSource(strings = {"aws", "minio"})
    void verboseShowsRequestsButNoSecret(String client) throws Exception {
        ChildKarchive karchive = new ChildKarchive(tmp, s3.environment());
        ChildKarchive.Result r = karchive.run("archive", "--verbose", "--s3-client", client, "--repo",
                s3.repoUrl("verbose-" + client), src.resolve("edge").toString());
        assertThat(r.code()).as(r.stderr()).isEqualTo(3);
        assertThat(r.stderr()).containsPattern("PUT /" + s3.bucket() + "/verbose-" + client + "/\\S+ -> 200 in \\d+ ms")
                .doesNotContain(s3.secretKey()).doesNotContain("Signature=").doesNotContain("Authorization");
        ChildKarchive.Result quiet = karchive.run("snapshots", "--s3-client", client, "--repo",
                s3.repoUrl("verbose-" + client));
        assertThat(quiet.stderr()).doesNotContain(" ms");
    }

    @ParameterizedTest(name = "wrong secret with --s3-client {0}")
    @ValueSource(strings = {"aws", "minio"})
    void wrongCredentialsExitOneWithAHint(String client) throws Exception {
        java.util.Map<String, String> env = new java.util.HashMap<>(s3.environment());
        env.put("AWS_SECRET_ACCESS_KEY", "0000000000000000000000000000000000000000");
        ChildKarchive karchive = new ChildKarchive(tmp, env);
        ChildKarchive.Result r = karchive.run("snapshots", "--s3-client", client, "--repo", s3.repoUrl("x"));
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.stderr()).contains("access key").doesNotContain("0000000000000000000000");
        assertThat(r.stderr().lines().count()).as(r.stderr()).isLessThanOrEqualTo(3);
    }
}

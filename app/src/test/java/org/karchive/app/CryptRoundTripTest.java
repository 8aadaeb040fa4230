package org.karchive.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.karchive.format.Json;

/**
 * Encrypted repositories end to end through the CLI: recipients and passphrase round trips,
 * wrong and missing keys, refusals, incremental and partial restores, and stock age + zstd + tar.
 */
class CryptRoundTripTest {
    static final String SECRET_NAME = "patient-4711-smith";

    @TempDir
    Path tmp;
    Path src;
    String repo;
    CryptKeys alice;
    CryptKeys bob;
    Path passFile;

    @BeforeEach
    void setUp() throws IOException {
        src = tmp.resolve("src");
        Path d = src.resolve("dicom").resolve(SECRET_NAME);
        Files.createDirectories(d);
        Random rnd = new Random(3);
        for (int i = 0; i < 12; i++) {
            byte[] b = new byte[200_000 + i * 1000];
            rnd.nextBytes(b);
            Files.write(d.resolve("img-" + i + ".dcm"), b);
        }
        Files.writeString(src.resolve("notes.txt"), "hello " + SECRET_NAME + "\n");
        Files.createDirectories(src.resolve("empty"));
        repo = tmp.resolve("repo").toUri().toString();
        alice = CryptKeys.create(tmp, "alice");
        bob = CryptKeys.create(tmp, "bob");
        passFile = tmp.resolve("pass.txt");
        Files.writeString(passFile, "correct horse battery staple\n");
    }

    private Cli.Run ok(String... args) {
        Cli.Run r = Cli.run(args);
        assertThat(r.code()).as(r.toString()).isZero();
        return r;
    }

    private Path restored(Path target) {
        return target.resolve(src.toString().substring(1));
    }

    private void assertSameTree(Path target) throws IOException {
        Path base = restored(target);
        try (Stream<Path> s = Files.walk(src)) {
            for (Path p : s.filter(Files::isRegularFile).toList()) {
                assertThat(base.resolve(src.relativize(p).toString())).hasSameBinaryContentAs(p);
            }
        }
        assertThat(base.resolve("empty")).isDirectory();
    }

    /** No stored object but the marker and a key file shows a file name or index field in the clear. */
    private void assertNothingInTheClear(Path repoDir) throws IOException {
        try (Stream<Path> s = Files.walk(repoDir)) {
            for (Path p : s.filter(Files::isRegularFile).toList()) {
                String rel = repoDir.relativize(p).toString();
                byte[] b = Files.readAllBytes(p);
                String text = new String(b, StandardCharsets.ISO_8859_1);
                assertThat(rel).doesNotContain(SECRET_NAME);
                if (rel.equals("karchive.json")) {
                    continue;
                }
                assertThat(text).as(rel).startsWith("age-encryption.org/v1\n").doesNotContain(SECRET_NAME)
                        .doesNotContain("\"karchive\"");
            }
        }
    }

    @Test
    void twoRecipientsEachIdentityAloneRestores() throws IOException {
        Path recipientsFile = tmp.resolve("recipients.txt");
        Files.writeString(recipientsFile, "# bob\n" + bob.recipient() + "\n");
        Cli.Run a = ok("archive", "--json", "--repo", repo, "--encrypt-to", alice.recipient(), "--encrypt-to",
                recipientsFile.toString(), src.toString());
        JsonNode doc = a.json();
        assertThat(doc.get("encrypted").asBoolean()).isTrue();
        JsonNode marker = Json.MAPPER.readTree(tmp.resolve("repo/karchive.json").toFile());
        assertThat(marker.get("version").asInt()).isEqualTo(2);
        assertThat(marker.get("encryption").get("format").asText()).isEqualTo("age");
        assertThat(marker.toString()).doesNotContain(alice.recipient()).doesNotContain(bob.recipient());
        assertNothingInTheClear(tmp.resolve("repo"));

        for (CryptKeys who : List.of(alice, bob)) {
            Path out = tmp.resolve("out-" + who.identityFile().getFileName());
            Cli.Run r = ok("restore", "--json", "--repo", repo, "--identity", who.identityFile().toString(),
                    "--target", out.toString());
            assertThat(r.json().get("files").asLong()).isEqualTo(13);
            assertSameTree(out);
        }
        Cli.Run v = ok("verify", "--json", "--repo", repo, "--identity", bob.identityFile().toString());
        assertThat(v.json().get("ok").asBoolean()).isTrue();
        ok("verify", "--repo", repo, "--identity", alice.identityFile().toString(), "--local",
                tmp.resolve("out-alice.key").toString());
        Cli.Run ls = ok("ls", "--repo", repo, "--identity", alice.identityFile().toString());
        assertThat(ls.out()).contains(SECRET_NAME + "/img-3.dcm");
        Cli.Run snaps = ok("snapshots", "--json", "--repo", repo, "--identity", bob.identityFile().toString());
        assertThat(snaps.json()).hasSize(1);
        // the anchor printed is the SHA-256 of the index plaintext
        Cli.Run v2 = ok("verify", "--json", "--repo", repo, "--identity", bob.identityFile().toString(), "--expect",
                doc.get("indexSha256").asText());
        assertThat(v2.json().get("ok").asBoolean()).isTrue();
    }

    @Test
    void passphraseRoundTripAndIncremental() throws IOException {
        Cli.Run a = ok("archive", "--json", "--repo", repo, "--passphrase-file", passFile.toString(), src.toString());
        assertThat(Files.exists(tmp.resolve("repo/keys/passphrase.age"))).isTrue();
        assertNothingInTheClear(tmp.resolve("repo"));
        JsonNode marker = Json.MAPPER.readTree(tmp.resolve("repo/karchive.json").toFile());
        assertThat(marker.get("encryption").get("passphraseKey").asText()).isEqualTo("keys/passphrase.age");

        Files.writeString(src.resolve("notes.txt"), "changed\n");
        Cli.Run b = ok("archive", "--json", "--repo", repo, "--passphrase-file", passFile.toString(), src.toString());
        assertThat(b.json().get("parent").asText()).isEqualTo(a.json().get("snapshot").asText());
        assertThat(b.json().get("newBytes").asLong()).isEqualTo("changed\n".length());

        Path out = tmp.resolve("out");
        ok("restore", "--repo", repo, "--passphrase-file", passFile.toString(), "--target", out.toString());
        assertSameTree(out);
        Cli.Run v = ok("verify", "--json", "--repo", repo, "--passphrase-file", passFile.toString());
        assertThat(v.json().get("ok").asBoolean()).isTrue();
        // a passphrase repository takes encrypted snapshots only with the passphrase too
        Cli.Run noPass = Cli.run("archive", "--repo", repo, "--encrypt-to", alice.recipient(), src.toString());
        assertThat(noPass.code()).as(noPass.toString()).isEqualTo(1);
        assertThat(noPass.err()).contains("passphrase");
    }

    @Test
    void wrongOrMissingKeyIsExitOneWithOneLineAndNothingWritten() throws IOException {
        ok("archive", "--repo", repo, "--encrypt-to", alice.recipient(), src.toString());
        Path out = tmp.resolve("out");
        List<Cli.Run> runs = new ArrayList<>();
        runs.add(Cli.run("restore", "--repo", repo, "--identity", bob.identityFile().toString(), "--target",
                out.toString()));
        runs.add(Cli.run("restore", "--repo", repo, "--target", out.toString()));
        runs.add(Cli.run("restore", "--repo", repo, "--passphrase-file", passFile.toString(), "--target",
                out.toString()));
        runs.add(Cli.run("verify", "--repo", repo, "--identity", bob.identityFile().toString()));
        runs.add(Cli.run("ls", "--repo", repo));
        runs.add(Cli.run("snapshots", "--repo", repo, "--identity", bob.identityFile().toString()));
        runs.add(Cli.run("prune", "--repo", repo));
        runs.add(Cli.run("forget", "--repo", repo, "--keep-last", "1"));
        for (Cli.Run r : runs) {
            assertThat(r.code()).as(r.toString()).isEqualTo(1);
            assertThat(r.out()).as(r.toString()).isEmpty();
            assertThat(r.err().lines().count()).as(r.toString()).isEqualTo(1);
            assertThat(r.err()).as(r.toString()).containsAnyOf("--identity", "passphrase").doesNotContain("Exception");
        }
        assertThat(out).doesNotExist();

        // a passphrase repository and the wrong passphrase
        String repo2 = tmp.resolve("repo2").toUri().toString();
        ok("archive", "--repo", repo2, "--passphrase-file", passFile.toString(), src.toString());
        Path wrong = tmp.resolve("wrong.txt");
        Files.writeString(wrong, "correct horse battery stapler\n");
        Cli.Run r = Cli.run("restore", "--repo", repo2, "--passphrase-file", wrong.toString(), "--target",
                out.toString());
        assertThat(r.code()).as(r.toString()).isEqualTo(1);
        assertThat(r.err()).contains("wrong passphrase");
        assertThat(r.err().lines().count()).isEqualTo(1);
        assertThat(out).doesNotExist();
        Cli.Run json = Cli.run("verify", "--json", "--repo", repo2, "--identity", alice.identityFile().toString());
        assertThat(json.code()).isEqualTo(1);
        assertThat(json.json().get("exitCode").asInt()).isEqualTo(1);
    }

    @Test
    void plainAndEncryptedAreNeverMixed() throws IOException {
        ok("archive", "--repo", repo, "--encrypt-to", alice.recipient(), src.toString());
        Cli.Run plain = Cli.run("archive", "--repo", repo, src.toString());
        assertThat(plain.code()).as(plain.toString()).isEqualTo(1);
        assertThat(plain.err()).contains("is encrypted").contains("--encrypt-to");

        String plainRepo = tmp.resolve("plain").toUri().toString();
        ok("archive", "--repo", plainRepo, src.toString());
        Cli.Run enc = Cli.run("archive", "--repo", plainRepo, "--encrypt-to", alice.recipient(), src.toString());
        assertThat(enc.code()).as(enc.toString()).isEqualTo(1);
        assertThat(enc.err()).contains("is not encrypted").contains("new, empty repository");
        JsonNode marker = Json.MAPPER.readTree(tmp.resolve("plain/karchive.json").toFile());
        assertThat(marker.get("version").asInt()).isEqualTo(1);
        assertThat(marker.has("encryption")).isFalse();
        // an identity given for a plain repository is simply not needed
        ok("verify", "--repo", plainRepo, "--identity", alice.identityFile().toString());
    }

    @Test
    void incrementalNeedsAnIdentityElseAFullArchiveWithANote() throws IOException {
        Cli.Run a = ok("archive", "--json", "--repo", repo, "--encrypt-to", alice.recipient(), src.toString());
        Cli.Run b = ok("archive", "--json", "--repo", repo, "--encrypt-to", alice.recipient(), "--identity",
                alice.identityFile().toString(), src.toString());
        assertThat(b.json().get("parent").asText()).isEqualTo(a.json().get("snapshot").asText());
        assertThat(b.json().get("newBytes").asLong()).isZero();
        Cli.Run c = ok("archive", "--json", "--repo", repo, "--encrypt-to", alice.recipient(), src.toString());
        assertThat(c.json().get("parent").isNull()).isTrue();
        assertThat(c.json().get("newBytes").asLong()).isEqualTo(c.json().get("bytes").asLong()).isPositive();
        assertThat(c.json().get("notes").toString()).contains("full archive");
        assertThat(c.err()).contains("note:").contains("full archive");

        // partial restores of the incremental snapshot b, whose entries live in a's chunks
        String id = b.json().get("snapshot").asText();
        Path one = tmp.resolve("one");
        Cli.Run p = ok("restore", "--json", "--repo", repo, "--identity", alice.identityFile().toString(), "--target",
                one.toString(), "--path", src.resolve("dicom/" + SECRET_NAME + "/img-7.dcm").toString(), id);
        assertThat(p.json().get("files").asLong()).isEqualTo(1);
        assertThat(restored(one).resolve("dicom/" + SECRET_NAME + "/img-7.dcm"))
                .hasSameBinaryContentAs(src.resolve("dicom/" + SECRET_NAME + "/img-7.dcm"));
        Path some = tmp.resolve("some");
        Cli.Run q = ok("restore", "--json", "--repo", repo, "--identity", alice.identityFile().toString(), "--target",
                some.toString(), "--include", "img-1*.dcm", id);
        assertThat(q.json().get("files").asLong()).isEqualTo(3); // img-1, img-10, img-11
        assertThat(restored(some).resolve("notes.txt")).doesNotExist();
    }

    @Test
    void stockAgeZstdAndTarRestoreAChunkAndReadTheManifest() throws Exception {
        assumeTrue(CryptKeys.hasCommand("age") && CryptKeys.hasCommand("zstd") && CryptKeys.hasCommand("tar"),
                "needs age, zstd and tar on the PATH (apt-get install age zstd)");
        Cli.Run a = ok("archive", "--json", "--repo", repo, "--encrypt-to", alice.recipient(), src.toString());
        String id = a.json().get("snapshot").asText();
        Path r = tmp.resolve("repo");
        Path out = tmp.resolve("stock");
        Files.createDirectories(out);
        String key = alice.identityFile().toString();
        // exactly the commands of docs/FORMAT.md and the README
        sh("age -d -i " + key + " " + r.resolve("snapshots/" + id + ".json") + " > " + tmp.resolve("index.json"));
        JsonNode idx = Json.MAPPER.readTree(tmp.resolve("index.json").toFile());
        assertThat(Files.readAllBytes(tmp.resolve("index.json")))
                .isEqualTo(Files.readAllBytes(tmp.resolve("index.json")));
        assertThat(org.karchive.format.Sha256.of(Files.readAllBytes(tmp.resolve("index.json"))))
                .isEqualTo(a.json().get("indexSha256").asText());
        for (JsonNode c : idx.get("chunks")) {
            sh("age -d -i " + key + " " + r.resolve(c.get("key").asText()) + " | zstd -dc | tar -x --numeric-owner -p -C "
                    + out);
        }
        Path base = out.resolve(src.toString().substring(1));
        assertThat(base.resolve("dicom/" + SECRET_NAME + "/img-5.dcm"))
                .hasSameBinaryContentAs(src.resolve("dicom/" + SECRET_NAME + "/img-5.dcm"));
        String manifest = sh("age -d -i " + key + " " + r.resolve(idx.get("manifest").get("key").asText())
                + " | zstd -dc | head -1");
        assertThat(manifest).contains("\"karchive\":\"manifest\"");
    }

    @Test
    void stockAgeOpensThePassphraseKeyWithThePassphrase() throws Exception {
        assumeTrue(CryptKeys.hasCommand("age") && CryptKeys.hasCommand("script") && CryptKeys.hasCommand("zstd"),
                "needs age, script (util-linux) and zstd on the PATH");
        ok("archive", "--json", "--repo", repo, "--passphrase-file", passFile.toString(), src.toString());
        Path r = tmp.resolve("repo");
        Path key = tmp.resolve("repokey.txt");
        // stock age reads a passphrase only from a terminal: script gives it one
        ProcessBuilder pb = new ProcessBuilder("script", "-qec", "age -d -o " + key + " "
                + r.resolve("keys/passphrase.age"), "/dev/null").redirectErrorStream(true);
        Process p = pb.start();
        p.getOutputStream().write("correct horse battery staple\n".getBytes(StandardCharsets.UTF_8));
        p.getOutputStream().flush();
        String talk = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        int code = p.waitFor();
        assumeTrue(code == 0 && Files.exists(key), "script could not give age a terminal here: " + talk);
        assertThat(Files.readString(key)).contains("AGE-SECRET-KEY-1");
        String id = Cli.run("snapshots", "--json", "--repo", repo, "--passphrase-file", passFile.toString()).json()
                .get(0).get("id").asText();
        String manifest = sh("age -d -i " + key + " " + r.resolve("manifests/" + id + ".jsonl.zst")
                + " | zstd -dc | head -1");
        assertThat(manifest).contains("\"karchive\":\"manifest\"");
    }

    static String sh(String cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("bash", "-o", "pipefail", "-c", cmd).redirectErrorStream(false).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        int code = p.waitFor();
        if (code != 0 && !cmd.endsWith("head -1")) {
            throw new AssertionError(cmd + " -> " + code + ": " + err);
        }
        return out;
    }
}

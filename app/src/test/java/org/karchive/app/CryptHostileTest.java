package org.karchive.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.karchive.store.testing.S3TestServer;

/**
 * Damaged encrypted objects: a corrupt age header, truncated or flipped ciphertext, a hostile
 * scrypt work factor. Always exit 4 (or 1 for what looks like a wrong key) with one clear line,
 * never a stack trace.
 */
class CryptHostileTest {
    @TempDir
    Path tmp;
    Path src;
    Path repoDir;
    String repo;
    CryptKeys alice;
    String id;

    @BeforeEach
    void setUp() throws IOException {
        src = tmp.resolve("src");
        Files.createDirectories(src);
        Random rnd = new Random(9);
        for (int i = 0; i < 4; i++) {
            byte[] b = new byte[300_000];
            rnd.nextBytes(b);
            Files.write(src.resolve("f" + i), b);
        }
        repoDir = tmp.resolve("repo");
        repo = repoDir.toUri().toString();
        alice = CryptKeys.create(tmp, "alice");
        Cli.Run a = Cli.run("archive", "--json", "--repo", repo, "--encrypt-to", alice.recipient(), src.toString());
        assertThat(a.code()).as(a.toString()).isZero();
        id = a.json().get("snapshot").asText();
    }

    private void assertClean(Cli.Run r, int... codes) {
        assertThat(r.code()).as(r.toString()).isIn((Object[]) java.util.Arrays.stream(codes).boxed()
                .toArray(Integer[]::new));
        assertThat(r.err().lines().count()).as(r.toString()).isEqualTo(1);
        assertThat(r.err()).doesNotContain("\tat ").doesNotContain("Exception");
    }

    private Cli.Run restore(String... more) {
        String[] base = {"restore", "--repo", repo, "--identity", alice.identityFile().toString(), "--target",
            tmp.resolve("out").toString()};
        String[] all = java.util.Arrays.copyOf(base, base.length + more.length);
        System.arraycopy(more, 0, all, base.length, more.length);
        return Cli.run(all);
    }

    @Test
    void corruptAgeHeaderOfTheIndex() throws IOException {
        Path idx = repoDir.resolve("snapshots/" + id + ".json");
        byte[] b = Files.readAllBytes(idx);
        b[20] = '9'; // age-encryption.org/v1 -> v9
        Files.write(idx, b);
        Cli.Run r = restore();
        assertClean(r, 4);
        assertThat(r.err()).contains("not a valid age file");
        assertThat(tmp.resolve("out")).doesNotExist();
        // a damaged stanza looks like a key that does not fit: exit 1, and still one line
        String text = new String(Files.readAllBytes(repoDir.resolve("manifests/" + id + ".jsonl.zst")),
                StandardCharsets.ISO_8859_1);
        int stanza = text.indexOf("-> X25519 ") + 12;
        byte[] m = text.getBytes(StandardCharsets.ISO_8859_1);
        m[stanza] = (byte) (m[stanza] == 'A' ? 'B' : 'A');
        Files.write(repoDir.resolve("manifests/" + id + ".jsonl.zst"), m);
        b[20] = '1';
        Files.write(idx, b);
        Cli.Run v = Cli.run("ls", "--repo", repo, "--identity", alice.identityFile().toString());
        assertClean(v, 1, 4);
    }

    @Test
    void truncatedAndFlippedChunkCiphertext() throws IOException {
        Path chunk = repoDir.resolve("chunks/" + id + "/000000.tar.zst");
        byte[] b = Files.readAllBytes(chunk);
        Files.write(chunk, java.util.Arrays.copyOf(b, b.length - 1000));
        assertClean(restore(), 4);
        Cli.Run v = Cli.run("verify", "--json", "--repo", repo, "--identity", alice.identityFile().toString());
        assertThat(v.code()).isEqualTo(4);
        assertThat(v.out()).contains("size");

        byte[] flipped = b.clone();
        flipped[b.length / 2] ^= 0x40;
        Files.write(chunk, flipped);
        Cli.Run r = restore("--overwrite");
        assertClean(r, 4);
        assertThat(r.err()).contains("chunks/" + id + "/000000.tar.zst");
    }

    @Test
    void truncatedManifestCiphertext() throws IOException {
        Path m = repoDir.resolve("manifests/" + id + ".jsonl.zst");
        byte[] b = Files.readAllBytes(m);
        Files.write(m, java.util.Arrays.copyOf(b, b.length - 7));
        assertClean(restore(), 4);
        assertThat(tmp.resolve("out")).doesNotExist();
    }

    @Test
    void aHostileScryptWorkFactorIsRefusedBeforeAnyWork() throws IOException {
        String repo2 = tmp.resolve("repo2").toUri().toString();
        Path pass = tmp.resolve("pass");
        Files.writeString(pass, "pw\n");
        Cli.Run a = Cli.run("archive", "--repo", repo2, "--passphrase-file", pass.toString(), src.toString());
        assertThat(a.code()).as(a.toString()).isZero();
        Path key = tmp.resolve("repo2/keys/passphrase.age");
        String text = new String(Files.readAllBytes(key), StandardCharsets.ISO_8859_1);
        Files.write(key, text.replaceFirst(" 18\n", " 40\n").getBytes(StandardCharsets.ISO_8859_1));
        long t = System.nanoTime();
        Cli.Run r = Cli.run("snapshots", "--repo", repo2, "--passphrase-file", pass.toString());
        assertClean(r, 4);
        assertThat(r.err()).contains("work factor");
        assertThat(System.nanoTime() - t).isLessThan(5_000_000_000L);
    }

    @Test
    void roundTripThroughS3WithRecipients() throws Exception {
        try (S3TestServer s3 = S3TestServer.start()) {
            ChildKarchive karchive = new ChildKarchive(tmp, s3.environment());
            String url = s3.repoUrl("crypt");
            CryptKeys bob = CryptKeys.create(tmp, "bob");
            var a = karchive.ok("archive", "--json", "--repo", url, "--encrypt-to", alice.recipient(), "--encrypt-to",
                    bob.recipient(), "--chunk-size", "1MiB", src.toString());
            assertThat(a.get("chunks").asInt()).isPositive();
            var v = karchive.ok("verify", "--json", "--repo", url, "--identity", bob.identityFile().toString(),
                    "--expect", a.get("indexSha256").asText());
            assertThat(v.get("ok").asBoolean()).isTrue();
            Path out = tmp.resolve("out-s3");
            var r = karchive.ok("restore", "--json", "--repo", url, "--identity", alice.identityFile().toString(),
                    "--target", out.toString());
            assertThat(r.get("files").asLong()).isEqualTo(4);
            for (int i = 0; i < 4; i++) {
                assertThat(out.resolve(src.toString().substring(1)).resolve("f" + i))
                        .hasSameBinaryContentAs(src.resolve("f" + i));
            }
            ChildKarchive.Result none = karchive.run("restore", "--repo", url, "--target",
                    tmp.resolve("none").toString());
            assertThat(none.code()).as(none.stderr()).isEqualTo(1);
            assertThat(tmp.resolve("none")).doesNotExist();
            try (var store = org.karchive.store.ObjectStores.open(url, s3.storeConfig())) {
                for (var o : store.list("")) {
                    if (!o.key().equals("karchive.json")) {
                        assertThat(new String(store.getBytes(o.key()), 0, 21, StandardCharsets.ISO_8859_1))
                                .as(o.key()).isEqualTo("age-encryption.org/v1");
                    }
                }
            }
        }
    }
}

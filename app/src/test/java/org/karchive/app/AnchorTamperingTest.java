package org.karchive.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.karchive.app.crypt.Sealing;
import org.karchive.format.EntryType;
import org.karchive.format.Json;
import org.karchive.format.ManifestReader;
import org.karchive.format.ManifestRecord;
import org.karchive.format.ManifestWriter;
import org.karchive.format.Sha256;

/**
 * An attacker who can write the bucket rewrites data and hashes together; the anchor kept
 * outside the bucket (--expect, --hmac-key-file) catches it before anything is written. Each
 * attack here leaves a repository whose objects all match their index, so verify without the
 * anchor finds nothing.
 */
class AnchorTamperingTest {
    @TempDir
    Path tmp;
    Path src;
    Path repoDir;
    String repo;
    Path hmacKey;
    String idA;
    String idB;
    String anchorB;
    /** Extra options of every command (keys of the encrypted variant). */
    List<String> keyArgs = new ArrayList<>();
    Sealing sealing = Sealing.PLAIN;

    @BeforeEach
    void setUp() throws IOException {
        src = tmp.resolve("src");
        Files.createDirectories(src.resolve("d"));
        Random rnd = new Random(5);
        for (int i = 0; i < 6; i++) {
            byte[] b = new byte[50_000];
            rnd.nextBytes(b);
            Files.write(src.resolve("d/f" + i), b);
        }
        repoDir = tmp.resolve("repo");
        repo = repoDir.toUri().toString();
        hmacKey = tmp.resolve("hmac.key");
        Files.writeString(hmacKey, "0123456789abcdef0123456789abcdef\n");
    }

    private void archiveTwo(String... extra) throws IOException {
        idA = archive(extra).get("snapshot").asText();
        try {
            Thread.sleep(1100); // ids sort by the second: B must be the newest
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        Files.writeString(src.resolve("d/f1"), "a new version of f1\n");
        Files.writeString(src.resolve("d/new"), "new file\n");
        JsonNode b = archive(extra);
        idB = b.get("snapshot").asText();
        anchorB = b.get("indexSha256").asText();
    }

    private JsonNode archive(String... extra) {
        List<String> args = new ArrayList<>(List.of("archive", "--json", "--repo", repo, "--hmac-key-file",
                hmacKey.toString()));
        args.addAll(List.of(extra));
        args.add(src.toString());
        Cli.Run r = Cli.run(args.toArray(String[]::new));
        assertThat(r.code()).as(r.toString()).isZero();
        return r.json();
    }

    private Cli.Run cli(String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(keyArgs);
        return Cli.run(all.toArray(String[]::new));
    }

    private byte[] readPlain(String key) throws IOException {
        byte[] raw = Files.readAllBytes(repoDir.resolve(key));
        return sealing.open(key, new ByteArrayInputStream(raw)).readAllBytes();
    }

    private void writePlain(String key, byte[] plain) throws IOException {
        Files.write(repoDir.resolve(key), sealing.seal(key, plain));
    }

    private ObjectNode index(String id) throws IOException {
        return (ObjectNode) Json.MAPPER.readTree(readPlain("snapshots/" + id + ".json"));
    }

    private void writeIndex(ObjectNode idx) throws IOException {
        writePlain("snapshots/" + idx.get("id").asText() + ".json",
                Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsBytes(idx));
    }

    /** Records the stored size and SHA-256 of {@code key} wherever the index lists it. */
    private void rehash(ObjectNode idx, String key) throws IOException {
        byte[] stored = Files.readAllBytes(repoDir.resolve(key));
        List<JsonNode> refs = new ArrayList<>();
        refs.add(idx.get("manifest"));
        idx.get("chunks").forEach(refs::add);
        for (JsonNode ref : refs) {
            if (ref.get("key").asText().equals(key)) {
                ((ObjectNode) ref).put("size", stored.length).put("sha256", Sha256.of(stored));
            }
        }
    }

    /** Restore and verify with the anchor refuse (exit 4) and write nothing; without it all looks fine. */
    private void assertCaught(boolean byExpect, boolean byHmac) {
        Cli.Run plainVerify = cli("verify", "--json", "--repo", repo, idB);
        assertThat(plainVerify.code()).as("unanchored verify sees nothing: " + plainVerify).isZero();
        if (byExpect) {
            Path out = tmp.resolve("out-expect");
            Cli.Run r = cli("restore", "--repo", repo, "--target", out.toString(), "--expect", anchorB, idB);
            assertThat(r.code()).as(r.toString()).isEqualTo(4);
            assertThat(r.err()).contains("not the expected " + anchorB);
            assertThat(r.err().lines().count()).isEqualTo(1);
            assertThat(out).doesNotExist();
            Cli.Run v = cli("verify", "--json", "--repo", repo, "--expect", anchorB, idB);
            assertThat(v.code()).as(v.toString()).isEqualTo(4);
            assertThat(v.json().get("problems").get(0).get("kind").asText()).isEqualTo("index-anchor");
        }
        if (byHmac) {
            Path out = tmp.resolve("out-hmac");
            Cli.Run r = cli("restore", "--repo", repo, "--target", out.toString(), "--hmac-key-file",
                    hmacKey.toString(), idB);
            assertThat(r.code()).as(r.toString()).isEqualTo(4);
            assertThat(r.err()).contains("HMAC");
            assertThat(out).doesNotExist();
            Cli.Run v = cli("verify", "--repo", repo, "--hmac-key-file", hmacKey.toString(), idB);
            assertThat(v.code()).as(v.toString()).isEqualTo(4);
        }
    }

    @Test
    void theAnchorIsTheIndexHashAndAnUntouchedSnapshotPasses() throws IOException {
        archiveTwo();
        assertThat(Sha256.of(Files.readAllBytes(repoDir.resolve("snapshots/" + idB + ".json")))).isEqualTo(anchorB);
        assertThat(repoDir.resolve("snapshots/" + idB + ".json.hmac")).exists();
        Cli.Run snaps = cli("snapshots", "--json", "--repo", repo);
        assertThat(snaps.json()).hasSize(2);
        Path out = tmp.resolve("out");
        Cli.Run r = cli("restore", "--repo", repo, "--target", out.toString(), "--expect", anchorB.toUpperCase(),
                "--hmac-key-file", hmacKey.toString(), idB);
        assertThat(r.code()).as(r.toString()).isZero();
        Cli.Run wrongKey = cli("verify", "--repo", repo, "--hmac-key-file", src.resolve("d/f0").toString(), idB);
        assertThat(wrongKey.code()).as(wrongKey.toString()).isEqualTo(4);
        Cli.Run bad = cli("verify", "--repo", repo, "--expect", "abc");
        assertThat(bad.code()).isEqualTo(2);
        // forget removes the sidecar with its index; listing never showed it
        Cli.Run f = cli("forget", "--repo", repo, "--keep-last", "1");
        assertThat(f.code()).as(f.toString()).isZero();
        assertThat(repoDir.resolve("snapshots/" + idA + ".json.hmac")).doesNotExist();
    }

    @Test
    void aChunkSwappedForAnotherValidChunkIsCaught() throws IOException {
        archiveTwo();
        String ownB = "chunks/" + idB + "/000000.tar.zst";
        String ownA = "chunks/" + idA + "/000000.tar.zst";
        Files.copy(repoDir.resolve(ownA), repoDir.resolve(ownB), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        ObjectNode idx = index(idB);
        rehash(idx, ownB);
        writeIndex(idx);
        assertCaught(true, true);
    }

    @Test
    void anEditedManifestWithRecomputedHashesIsCaught() throws IOException {
        archiveTwo();
        String key = "manifests/" + idB + ".jsonl.zst";
        List<ManifestRecord> records = new ArrayList<>();
        try (ManifestReader mr = new ManifestReader(new ByteArrayInputStream(readPlain(key)), key)) {
            ManifestRecord r;
            while ((r = mr.read()) != null) {
                if (r.type() == EntryType.FILE && r.path().endsWith("d/f2")) {
                    r = new ManifestRecord(r.path(), r.type(), r.size(), 04755, r.uid(), r.gid(), r.user(), r.group(),
                            r.mtime(), r.sha256(), r.link(), r.sparse(), r.chunk(), r.frame(), r.offset(), r.ino(),
                            r.ctime()); // setuid: the kind of edit an attacker wants
                }
                records.add(r);
            }
        }
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        ManifestWriter mw = new ManifestWriter(buf, idB, 3);
        for (ManifestRecord r : records) {
            mw.write(r);
        }
        mw.finish();
        writePlain(key, buf.toByteArray());
        ObjectNode idx = index(idB);
        rehash(idx, key);
        writeIndex(idx);
        assertCaught(true, true);
    }

    @Test
    void anIndexRolledBackToOlderContentIsCaught() throws IOException {
        archiveTwo();
        ObjectNode old = index(idA);
        old.put("id", idB); // A's content under B's name
        writeIndex(old);
        assertCaught(true, true);
    }

    @Test
    void aDeletedNewestSnapshotIsCaughtByExpectOnly() throws IOException {
        archiveTwo();
        Files.delete(repoDir.resolve("snapshots/" + idB + ".json"));
        Files.delete(repoDir.resolve("snapshots/" + idB + ".json.hmac"));
        Path out = tmp.resolve("out");
        Cli.Run r = cli("restore", "--repo", repo, "--target", out.toString(), "--expect", anchorB);
        assertThat(r.code()).as(r.toString()).isEqualTo(4);
        assertThat(out).doesNotExist();
        // an HMAC authenticates each index, not which one is newest: A is genuine and passes
        Cli.Run h = cli("verify", "--repo", repo, "--hmac-key-file", hmacKey.toString());
        assertThat(h.code()).as(h.toString()).isZero();
        assertThat(h.out()).contains(idA);
    }

    @Test
    void inAnEncryptedRepositoryAHolderOfThePublicKeyCanForgeButNotPastTheAnchor() throws IOException {
        CryptKeys alice = CryptKeys.create(tmp, "alice");
        // the attacker knows the recipient (public); the test decrypts with the identity to build the forgery
        sealing = Sealing.age(List.of(alice.recipient()), List.of(alice.identity()), "test");
        archiveTwo("--encrypt-to", alice.recipient(), "--identity", alice.identityFile().toString());
        keyArgs = List.of("--identity", alice.identityFile().toString());
        String ownB = "chunks/" + idB + "/000000.tar.zst";
        Files.copy(repoDir.resolve("chunks/" + idA + "/000000.tar.zst"), repoDir.resolve(ownB),
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        ObjectNode idx = index(idB);
        rehash(idx, ownB);
        writeIndex(idx);
        assertCaught(true, true);
    }
}

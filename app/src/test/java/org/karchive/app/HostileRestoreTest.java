package org.karchive.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.karchive.app.HostileRepo.chunk;
import static org.karchive.app.HostileRepo.chunkKey;
import static org.karchive.app.HostileRepo.dir;
import static org.karchive.app.HostileRepo.file;
import static org.karchive.app.HostileRepo.hardlink;
import static org.karchive.app.HostileRepo.manifest;
import static org.karchive.app.HostileRepo.symlink;

import com.github.luben.zstd.Zstd;
import com.github.luben.zstd.ZstdOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.karchive.app.HostileRepo.Tar;
import org.karchive.app.ops.RestoreOperation;
import org.karchive.app.ops.Selection;
import org.karchive.app.repo.Repository;
import org.karchive.format.Extractor;
import org.karchive.format.ManifestRecord;
import org.karchive.format.Sha256;
import org.karchive.format.UnsafeRestoreException;
import org.karchive.store.LocalDirectoryStore;

/**
 * The hostile corpus: hand-made repositories, chunks and manifests, each restored with the real
 * command line into a target next to an "outside" directory with canary files. Every case checks
 * the exit code, that the message names the offending path or object, and that nothing outside
 * the target changed. Runs in its own JVM with a 256 MiB heap (see app/pom.xml).
 */
class HostileRestoreTest {
    @TempDir
    Path tmp;
    Path target;
    Path outside;
    Path repo;

    static final byte[] HELLO = "hello\n".getBytes(StandardCharsets.UTF_8);

    @BeforeEach
    void canaries() throws IOException {
        outside = tmp.resolve("outside");
        Files.createDirectories(outside.resolve("etc"));
        Files.writeString(outside.resolve("canary.txt"), "canary\n");
        Files.writeString(outside.resolve("etc/passwd"), "root:x:0:0::/root:/bin/sh\n");
        Files.setPosixFilePermissions(outside.resolve("etc/passwd"), PosixFilePermissions.fromString("rw-r--r--"));
        target = tmp.resolve("target");
        repo = tmp.resolve("repo");
    }

    /** Everything below tmp except the target: type, mode, owner, size, mtime, content, link. */
    private Map<String, String> outsideListing() throws IOException {
        Map<String, String> m = new TreeMap<>();
        try (Stream<Path> s = Files.walk(tmp)) {
            for (Path p : (Iterable<Path>) s::iterator) {
                if (p.startsWith(target) || p.equals(tmp)) {
                    continue; // tmp itself changes when the target is created in it
                }
                Map<String, Object> a = Files.readAttributes(p, "unix:*", LinkOption.NOFOLLOW_LINKS);
                String v = a.get("mode") + " " + a.get("uid") + " " + a.get("gid") + " " + a.get("size") + " "
                        + a.get("lastModifiedTime") + " " + a.get("ino");
                if (Files.isSymbolicLink(p)) {
                    v += " -> " + Files.readSymbolicLink(p);
                } else if (Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
                    v += " " + Sha256.of(Files.readAllBytes(p));
                }
                m.put(tmp.relativize(p).toString(), v);
            }
        }
        return m;
    }

    /** Restores with the CLI and asserts that nothing outside the target changed. */
    private Cli.Run restore(String uri, String... extra) throws IOException {
        Map<String, String> before = outsideListing();
        String[] args = new String[4 + extra.length];
        args[0] = "restore";
        args[1] = "--repo";
        args[2] = uri;
        args[3] = "--target=" + target;
        System.arraycopy(extra, 0, args, 4, extra.length);
        Cli.Run r = Cli.run(args);
        assertThat(outsideListing()).as("nothing outside the target changes: " + r).isEqualTo(before);
        return r;
    }

    private static void fails(Cli.Run r, int code, String... fragments) {
        assertThat(r.code()).as(r.toString()).isEqualTo(code);
        assertThat(r.out()).doesNotContain("restored snapshot");
        for (String f : fragments) {
            assertThat(r.err()).as(r.toString()).contains(f);
        }
    }

    private void noTempFilesLeft() throws IOException {
        if (!Files.exists(target)) {
            return;
        }
        try (Stream<Path> s = Files.walk(target)) {
            assertThat(s.filter(p -> p.getFileName().toString().startsWith(".karchive-restore-")).toList()).isEmpty();
        }
    }

    private String simpleRepo(Tar tar, List<ManifestRecord> records) throws IOException {
        return HostileRepo.write(repo, manifest(records), chunk(tar.bytes()));
    }

    private boolean targetEmpty() throws IOException {
        if (!Files.exists(target)) {
            return true;
        }
        try (Stream<Path> s = Files.list(target)) {
            return s.findAny().isEmpty();
        }
    }

    // ---- manifest paths: refused before anything is downloaded or written ----

    private void manifestPathRefused(String path, String why) throws IOException {
        Tar t = new Tar().file("ok", HELLO).end();
        String uri = HostileRepo.write(repo, HostileRepo.manifestLines(List.of(
                HostileRepo.json(file(path, HELLO, 0)))), chunk(t.bytes()));
        Cli.Run r = restore(uri);
        fails(r, 4, why);
        assertThat(targetEmpty()).as("nothing written before validation").isTrue();
    }

    @Test
    void dotDotPathInManifest() throws IOException {
        manifestPathRefused("../outside/canary.txt", "'../outside/canary.txt'");
    }

    @Test
    void absolutePathInManifest() throws IOException {
        manifestPathRefused(outside.resolve("canary.txt").toString(), "absolute");
    }

    @Test
    void emptyAndDotComponentsInManifest() throws IOException {
        manifestPathRefused("a//b", "empty component");
        manifestPathRefused("a/./b", "'.' component");
    }

    @Test
    void nulAndBackslashInManifest() throws IOException {
        manifestPathRefused("a\u0000b", "contains NUL");
        manifestPathRefused("a\\..\\b", "backslash");
    }

    @Test
    void overlongPathInManifest() throws IOException {
        manifestPathRefused("d/" + "x".repeat(300), "component longer than 255");
    }

    @Test
    void duplicatePathInManifest() throws IOException {
        Tar t = new Tar().file("a", HELLO).end();
        String line = HostileRepo.json(file("a", HELLO, 0));
        String uri = HostileRepo.write(repo, HostileRepo.manifestLines(List.of(line, line)), chunk(t.bytes()));
        fails(restore(uri), 4, "'a' out of order or repeated");
        assertThat(targetEmpty()).isTrue();
    }

    @Test
    void symlinkToOutsideThenFileBelowIt() throws IOException {
        // l -> <outside>/etc, then l/passwd: the manifest alone is refused
        Tar t = new Tar();
        long l = t.pos();
        t.symlink("l", outside.resolve("etc").toString());
        long x = t.pos();
        t.file("l/passwd", HELLO).end();
        String uri = simpleRepo(t, List.of(symlink("l", outside.resolve("etc").toString(), l),
                file("l/passwd", HELLO, x)));
        fails(restore(uri), 4, "'l/passwd' lies below 'l'");
        assertThat(targetEmpty()).isTrue();
    }

    @Test
    void symlinkToOutsideThenTarEntryBelowItThatTheManifestLacks() throws IOException {
        Tar t = new Tar();
        t.symlink("l", outside.resolve("etc").toString());
        t.file("l/passwd", HELLO).end();
        String uri = simpleRepo(t, List.of(symlink("l", outside.resolve("etc").toString(), 0)));
        fails(restore(uri), 4, "'l/passwd'", "does not list");
        assertThat(target.resolve("l")).doesNotExist();
    }

    @Test
    void symlinkUpwardsIsCreatedVerbatimButNeverFollowed() throws IOException {
        Tar t = new Tar().symlink("up", "../../..").end();
        String uri = simpleRepo(t, List.of(symlink("up", "../../..", 0)));
        Cli.Run r = restore(uri);
        assertThat(r.code()).as(r.toString()).isZero();
        assertThat(Files.readSymbolicLink(target.resolve("up")).toString()).isEqualTo("../../..");
        // a second snapshot that writes through it is refused: 'up' is now a symlink in the target
        Tar t2 = new Tar();
        t2.file("up/outside/canary.txt", HELLO).end();
        String uri2 = HostileRepo.write(tmp.resolve("repo2"), manifest(List.of(file("up/outside/canary.txt", HELLO,
                0))), chunk(t2.bytes()));
        fails(restore(uri2, "--overwrite"), 4, "'up'", "symlink");
    }

    @Test
    void directoryReplacedBySymlinkLaterInTheStream() throws IOException {
        Tar t = new Tar();
        t.dir("d");
        t.symlink("d", outside.toString());
        long f = t.pos();
        t.file("d/canary.txt", HELLO).end();
        String uri = simpleRepo(t, List.of(dir("d", 0), file("d/canary.txt", HELLO, f)));
        fails(restore(uri), 4, "'d' appears twice");
        noTempFilesLeft();
    }

    @Test
    void fileReplacingADirectoryAndTheReverse() throws IOException {
        Tar t = new Tar();
        t.dir("x");
        t.file("x", HELLO);
        t.file("x/y", HELLO).end();
        String uri = simpleRepo(t, List.of(dir("x", 0), file("x/y", HELLO, 1024)));
        fails(restore(uri), 4, "'x' appears twice");

        Tar t2 = new Tar();
        t2.file("x", HELLO);
        t2.dir("x").end();
        String uri2 = HostileRepo.write(tmp.resolve("repo2"), manifest(List.of(file("x", HELLO, 0))),
                chunk(t2.bytes()));
        target = tmp.resolve("target2");
        fails(restore(uri2), 4, "'x' appears twice");
    }

    @Test
    void duplicateTarEntry() throws IOException {
        Tar t = new Tar();
        t.file("a", HELLO);
        t.file("a", "evil\n".getBytes(StandardCharsets.UTF_8));
        long b = t.pos();
        t.file("b", HELLO).end();
        String uri = simpleRepo(t, List.of(file("a", HELLO, 0), file("b", HELLO, b)));
        fails(restore(uri), 4, "'a' appears twice");
    }

    @Test
    void hardlinkThenDataForTheSamePath() throws IOException {
        Tar t = new Tar();
        t.file("f", HELLO);
        long h = t.pos();
        t.hardlink("h", "f");
        t.file("h", "evil\n".getBytes(StandardCharsets.UTF_8)).end();
        String uri = simpleRepo(t, List.of(file("f", HELLO, 0), hardlink("h", "f", h)));
        fails(restore(uri), 4, "'h' appears twice");
    }

    @Test
    void hardlinkToAbsolutePathOrOutside() throws IOException {
        String passwd = outside.resolve("etc/passwd").toString();
        Tar t = new Tar().hardlink("h", passwd).end();
        String uri = HostileRepo.write(repo, HostileRepo.manifestLines(List.of(HostileRepo.json(
                hardlink("h", passwd, 0)))), chunk(t.bytes()));
        fails(restore(uri), 4, "absolute");

        Tar t2 = new Tar().hardlink("h", "../outside/canary.txt").end();
        String uri2 = HostileRepo.write(tmp.resolve("repo2"), HostileRepo.manifestLines(List.of(HostileRepo.json(
                hardlink("h", "../outside/canary.txt", 0)))), chunk(t2.bytes()));
        fails(restore(uri2), 4, "'../outside/canary.txt'");
        assertThat(targetEmpty()).isTrue();
    }

    @Test
    void hardlinkToAFileTheRestoreDidNotWrite() throws IOException {
        // a file already in the target (placed there, or a hard link to something outside)
        Files.createDirectories(target);
        Files.createLink(target.resolve("pre"), outside.resolve("etc/passwd"));
        Tar t = new Tar().hardlink("h", "pre").end();
        String uri = HostileRepo.write(repo, manifest(List.of(hardlink("h", "pre", 0))), chunk(t.bytes()));
        fails(restore(uri, "--overwrite"), 4, "'h'", "did not write");
        assertThat(target.resolve("h")).doesNotExist();
    }

    @Test
    void hardlinkToASymlinkFromTheArchive() throws IOException {
        Tar t = new Tar();
        long h = t.pos();
        t.hardlink("h", "l");
        long l = t.pos();
        t.symlink("l", outside.resolve("canary.txt").toString()).end();
        String uri = simpleRepo(t, List.of(hardlink("h", "l", h), symlink("l", outside.resolve("canary.txt")
                .toString(), l)));
        fails(restore(uri), 4, "'h'", "did not write");
    }

    @Test
    void preExistingSymlinkInTheTargetIsReplacedNotFollowed() throws IOException {
        Files.createDirectories(target);
        Files.createSymbolicLink(target.resolve("data"), outside);
        Files.createSymbolicLink(target.resolve("f"), outside.resolve("canary.txt"));
        Tar t = new Tar();
        t.dir("data");
        long c = t.pos();
        t.file("data/canary.txt", HELLO);
        long f = t.pos();
        t.file("f", HELLO).end();
        String uri = simpleRepo(t, List.of(dir("data", 0), file("data/canary.txt", HELLO, c), file("f", HELLO, f)));
        fails(restore(uri), 1, "'data'", "--overwrite");

        // a partial restore below the planted link: walking into it is refused
        fails(restore(uri, "--overwrite", "--path", "data/canary.txt"), 4, "'data'", "symlink");

        Cli.Run r = restore(uri, "--overwrite");
        assertThat(r.code()).as(r.toString()).isZero();
        assertThat(Files.isSymbolicLink(target.resolve("data"))).isFalse();
        assertThat(target.resolve("data/canary.txt")).hasBinaryContent(HELLO);
        assertThat(Files.isSymbolicLink(target.resolve("f"))).isFalse();
        assertThat(target.resolve("f")).hasBinaryContent(HELLO);
    }

    @Test
    void fifoAndDeviceEntries() throws IOException {
        Tar t = new Tar().entry("p", '6', 0644, null, null, null).end();
        String uri = simpleRepo(t, List.of(file("p", new byte[0], 0)));
        fails(restore(uri), 4, "'p'", "FIFO");

        Tar t2 = new Tar().entry("sda", '3', 0644, null, null, null).end();
        String uri2 = HostileRepo.write(tmp.resolve("repo2"), manifest(List.of(file("sda", new byte[0], 0))),
                chunk(t2.bytes()));
        fails(restore(uri2), 4, "'sda'", "device");
        assertThat(target.resolve("p")).doesNotExist();
        assertThat(target.resolve("sda")).doesNotExist();
    }

    @Test
    void setuidBitsOnlyWithTheFlag() throws IOException {
        Tar t = new Tar().entry("su", '0', 06755, HELLO, null, null).end();
        String uri = simpleRepo(t, List.of(HostileRepo.withMode(file("su", HELLO, 0), 06755)));
        Cli.Run r = restore(uri);
        assertThat(r.code()).as(r.toString()).isZero();
        assertThat(Files.getAttribute(target.resolve("su"), "unix:mode")).isEqualTo(0100755);
        Cli.Run r2 = restore(uri, "--overwrite", "--preserve-setid");
        assertThat(r2.code()).as(r2.toString()).isZero();
        assertThat(Files.getAttribute(target.resolve("su"), "unix:mode")).isEqualTo(0106755);
    }

    @Test
    void readOnlyDirectoryModeAppliedAfterItsChildren() throws IOException {
        Tar t = new Tar();
        t.entry("ro/", '5', 0500, null, null, null);
        long f = t.pos();
        t.file("ro/f", HELLO).end();
        String uri = simpleRepo(t, List.of(HostileRepo.withMode(dir("ro", 0), 0500), file("ro/f", HELLO, f)));
        Cli.Run r = restore(uri);
        assertThat(r.code()).as(r.toString()).isZero();
        assertThat(Files.getAttribute(target.resolve("ro"), "unix:mode")).isEqualTo(040500);
        assertThat(target.resolve("ro/f")).hasBinaryContent(HELLO);
    }

    @Test
    void existingFileWithoutOverwriteIsARefusal() throws IOException {
        Files.createDirectories(target);
        Files.writeString(target.resolve("a"), "mine");
        Tar t = new Tar().file("a", HELLO).end();
        fails(restore(simpleRepo(t, List.of(file("a", HELLO, 0)))), 1, "'a'", "--overwrite");
        assertThat(target.resolve("a")).hasContent("mine");
    }

    // ---- sizes, bombs and parser limits ----

    @Test
    void smallChunkInflatingFarPastItsManifestSize() throws IOException {
        byte[] mib = new byte[1 << 20];
        byte[] head = HostileRepo.header("a", '0', 0644, mib.length, null);
        // frame 1: the header; frame 2: 2400 RLE blocks of 128 KiB zeros = 300 MiB from about 10 KB
        ByteArrayOutputStream z = new ByteArrayOutputStream();
        z.writeBytes(new byte[] {0x28, (byte) 0xb5, 0x2f, (byte) 0xfd, 0x00, 0x38});
        int blocks = 2400;
        for (int i = 0; i < blocks; i++) {
            int bh = (128 * 1024) << 3 | 1 << 1 | (i == blocks - 1 ? 1 : 0);
            z.writeBytes(new byte[] {(byte) bh, (byte) (bh >> 8), (byte) (bh >> 16), 0});
        }
        byte[] chunk = HostileRepo.framed(List.of(Zstd.compress(head, 3), z.toByteArray()), 512,
                (long) blocks * 128 * 1024);
        assertThat(chunk.length).isLessThan(10_500);
        String uri = HostileRepo.write(repo, manifest(List.of(file("a", mib, 0))), chunk);
        long t0 = System.nanoTime();
        Cli.Run r = restore(uri);
        fails(r, 4, chunkKey(0), "data after the end-of-archive blocks");
        assertThat((System.nanoTime() - t0) / 1_000_000).as("stops early").isLessThan(20_000);
    }

    @Test
    void headerSizeFarLargerThanTheManifestSays() throws IOException {
        Tar t = new Tar();
        t.raw(HostileRepo.header("big", '0', 0644, 077777777777L, null));
        t.raw(new byte[10_000]);
        String uri = simpleRepo(t, List.of(file("big", new byte[1 << 20], 0)));
        fails(restore(uri), 4, "'big'", "has size 8589934591 but the manifest says 1048576");
        noTempFilesLeft();
    }

    @Test
    void zstdFrameDeclaringA2GiBWindow() throws IOException {
        ByteArrayOutputStream z = new ByteArrayOutputStream();
        // frame header: no content size, window log 31; then one raw last block
        z.writeBytes(new byte[] {0x28, (byte) 0xb5, 0x2f, (byte) 0xfd, 0x00, (byte) ((31 - 10) << 3)});
        byte[] tar = new Tar().file("a", HELLO).end().bytes();
        int bh = tar.length << 3 | 1;
        z.writeBytes(new byte[] {(byte) bh, (byte) (bh >> 8), (byte) (bh >> 16)});
        z.writeBytes(tar);
        String uri = HostileRepo.write(repo, manifest(List.of(file("a", HELLO, 0))),
                HostileRepo.framed(List.of(z.toByteArray()), tar.length));
        fails(restore(uri), 4, chunkKey(0));
        assertThat(target.resolve("a")).doesNotExist();
    }

    @Test
    void hundredMegabytePaxPathRecord() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int n = 100 << 20;
        try (ZstdOutputStream z = new ZstdOutputStream(out, 1)) {
            String prefix = (n + 16) + " path=";
            byte[] rec = HostileRepo.header("PaxHeaders/a", 'x', 0644, n + 16, null);
            z.write(rec);
            z.write(prefix.getBytes(StandardCharsets.US_ASCII));
            byte[] as = new byte[1 << 20];
            Arrays.fill(as, (byte) 'a');
            for (long left = n + 16 - prefix.length() - 1; left > 0; left -= Math.min(left, as.length)) {
                z.write(as, 0, (int) Math.min(left, as.length));
            }
            z.write('\n');
            z.write(HostileRepo.header("a", '0', 0644, HELLO.length, null));
        }
        String uri = HostileRepo.write(repo, manifest(List.of(file("a", HELLO, 0))),
                HostileRepo.framed(List.of(out.toByteArray()), 512L + n + 16 + 512));
        fails(restore(uri), 4, chunkKey(0), "pax extended header of 104857616 bytes");
    }

    @Test
    void paxMtimeWithAHugeExponent() throws IOException {
        Tar t = new Tar().entry("a", '0', 0644, HELLO, null, Map.of("mtime", "9e9999999")).end();
        long t0 = System.nanoTime();
        fails(restore(simpleRepo(t, List.of(file("a", HELLO, 0)))), 4, "'a'", "bad pax mtime");
        assertThat((System.nanoTime() - t0) / 1_000_000).isLessThan(5_000);
    }

    @Test
    void negativeGarbageAndBase256Sizes() throws IOException {
        Tar t = new Tar().entry("a", '0', 0644, HELLO, null, Map.of("size", "-1")).end();
        fails(restore(simpleRepo(t, List.of(file("a", HELLO, 0)))), 4, "'a'", "bad size");

        byte[] h = HostileRepo.header("b", '0', 0644, 0, null);
        Arrays.fill(h, 124, 136, (byte) 0);
        h[124] = (byte) 0x80; // base-256: 2^62
        h[128] = 0x40;
        Tar t2 = new Tar().raw(HostileRepo.checksum(h)).end();
        String uri2 = HostileRepo.write(tmp.resolve("repo2"), manifest(List.of(file("b", HELLO, 0))),
                chunk(t2.bytes()));
        fails(restore(uri2), 4, "'b'", "base-256");

        byte[] g = HostileRepo.header("c", '0', 0644, 0, null);
        HostileRepo.put(g, 124, 11, "12x45670000");
        Tar t3 = new Tar().raw(HostileRepo.checksum(g)).end();
        String uri3 = HostileRepo.write(tmp.resolve("repo3"), manifest(List.of(file("c", HELLO, 0))),
                chunk(t3.bytes()));
        fails(restore(uri3), 4, "'c'", "bad octal size");
    }

    @Test
    void paxGlobalHeader() throws IOException {
        byte[] rec = HostileRepo.paxRecords(Map.of("path", "../outside/canary.txt"));
        Tar t = new Tar().raw(HostileRepo.header("pax_global_header", 'g', 0644, rec.length, null)).raw(rec)
                .pad(rec.length).file("a", HELLO).end();
        fails(restore(simpleRepo(t, List.of(file("a", HELLO, 0)))), 4, chunkKey(0), "global");
    }

    @Test
    void unknownPaxKeyAndOverlongPaxPath() throws IOException {
        Tar t = new Tar().entry("a", '0', 0644, HELLO, null, Map.of("SCHILY.xattr.security.capability", "x"))
                .end();
        fails(restore(simpleRepo(t, List.of(file("a", HELLO, 0)))), 4, "unsupported pax key");

        String longName = ("d".repeat(200) + "/").repeat(25) + "f";
        Tar t2 = new Tar().entry("f", '0', 0644, HELLO, null, Map.of("path", longName)).end();
        String uri2 = HostileRepo.write(tmp.resolve("repo2"), manifest(List.of(file("f", HELLO, 0))),
                chunk(t2.bytes()));
        fails(restore(uri2), 4, "unsafe name", "longer than 4096");
    }

    @Test
    void sparseMapLargerThanTheStoredData() throws IOException {
        byte[] data = "3\n0\n1048576\n2097152\n1048576\n4194304\n1048576\n".getBytes(StandardCharsets.US_ASCII);
        byte[] stored = Arrays.copyOf(data, 512);
        Map<String, String> pax = new LinkedHashMap<>();
        pax.put("GNU.sparse.major", "1");
        pax.put("GNU.sparse.minor", "0");
        pax.put("GNU.sparse.name", "s");
        pax.put("GNU.sparse.realsize", "8388608");
        Tar t = new Tar().entry("GNUSparseFile.0/s", '0', 0644, stored, null, pax).end();
        ManifestRecord r = file("s", new byte[8 << 20], 0);
        r = new ManifestRecord(r.path(), r.type(), r.size(), r.mode(), 0, 0, null, null, r.mtime(), r.sha256(), null,
                Boolean.TRUE, r.chunk(), 0, 0, 0, 0);
        fails(restore(simpleRepo(t, List.of(r))), 4, "'s'", "sparse map");
        assertThat(target.resolve("s")).doesNotExist();
    }

    @Test
    void badHeaderChecksum() throws IOException {
        byte[] h = HostileRepo.header("a", '0', 0644, HELLO.length, null);
        h[0] = 'b';
        Tar t = new Tar().raw(h).raw(HELLO).pad(HELLO.length).end();
        fails(restore(simpleRepo(t, List.of(file("a", HELLO, 0)))), 4, chunkKey(0), "checksum");
    }

    @Test
    void truncatedChunkMidFrameAndAtAFrameBoundary() throws IOException {
        Tar t = new Tar();
        byte[] big = new byte[300_000];
        new java.util.Random(1).nextBytes(big);
        t.file("a", big);
        long b = t.pos();
        t.file("b", HELLO).end();
        byte[] f0 = Zstd.compress(Arrays.copyOfRange(t.bytes(), 0, 100_000), 3);
        byte[] f1 = Zstd.compress(Arrays.copyOfRange(t.bytes(), 100_000, 200_000), 3);
        // mid-frame: the second frame is cut in half (the seek table says so, the index too)
        byte[] mid = HostileRepo.framed(List.of(f0, Arrays.copyOf(f1, f1.length / 2)), 100_000, 100_000);
        String uri = HostileRepo.write(repo, manifest(List.of(file("a", big, 0), file("b", HELLO, b))), mid);
        fails(restore(uri), 4, chunkKey(0), "damaged");
        assertThat(target.resolve("a")).doesNotExist();
        noTempFilesLeft();
        // at a frame boundary: only the first two frames are left
        byte[] cut = HostileRepo.framed(List.of(f0, f1), 100_000, 100_000);
        String uri2 = HostileRepo.write(tmp.resolve("repo2"), manifest(List.of(file("a", big, 0),
                file("b", HELLO, b))), cut);
        fails(restore(uri2), 4, chunkKey(0), "truncated");
    }

    @Test
    void garbageAfterTheSeekTable() throws IOException {
        byte[] c = chunk(new Tar().file("a", HELLO).end().bytes());
        byte[] g = Arrays.copyOf(c, c.length + 7);
        fails(restore(HostileRepo.write(repo, manifest(List.of(file("a", HELLO, 0))), g)), 4, chunkKey(0),
                "seek table");
    }

    @Test
    void symlinkTargetWithNul() throws IOException {
        Tar t = new Tar().symlink("l", "x").end();
        String uri = HostileRepo.write(repo, HostileRepo.manifestLines(List.of(HostileRepo.json(
                symlink("l", "x\u0000y", 0)))), chunk(t.bytes()));
        fails(restore(uri), 4, "'l'", "NUL");
    }

    @Test
    void zeroByteChunk() throws IOException {
        String uri = HostileRepo.write(repo, manifest(List.of(file("a", HELLO, 0))), new byte[0]);
        fails(restore(uri), 4, chunkKey(0));
    }

    @Test
    void trailingGarbageAfterTheTarEnd() throws IOException {
        Tar t = new Tar().file("a", HELLO).end().raw("garbage".getBytes(StandardCharsets.US_ASCII));
        fails(restore(simpleRepo(t, List.of(file("a", HELLO, 0)))), 4, chunkKey(0), "after the end-of-archive");
    }

    @Test
    void entryMissingFromTheChunkOrNotInTheManifest() throws IOException {
        Tar t = new Tar().file("a", HELLO).end();
        String uri = simpleRepo(t, List.of(file("a", HELLO, 0), file("b", HELLO, 1024)));
        fails(restore(uri), 4, "'b'");

        Tar t2 = new Tar();
        t2.file("a", HELLO);
        t2.file("evil", HELLO);
        long c = t2.pos();
        t2.file("z", HELLO).end();
        String uri2 = HostileRepo.write(tmp.resolve("repo2"), manifest(List.of(file("a", HELLO, 0),
                file("z", HELLO, c))), chunk(t2.bytes()));
        target = tmp.resolve("target2");
        fails(restore(uri2), 4, "'evil'", "does not list");
        assertThat(target.resolve("evil")).doesNotExist();
    }

    @Test
    void extraEntryAtTheEndOfAnEarlierChunk() throws IOException {
        Tar t0 = new Tar();
        t0.file("a", HELLO);
        t0.file("ab", HELLO).end();
        byte[] c1 = chunk(new Tar().file("b", HELLO).end().bytes());
        String uri = HostileRepo.write(repo, manifest(List.of(file("a", HELLO, 0),
                file("b", HELLO, 0).withLocation(chunkKey(1), 0, 0))), chunk(t0.bytes()), c1);
        fails(restore(uri), 4, chunkKey(0), "'ab'", "does not list");
        assertThat(target.resolve("ab")).doesNotExist();
        assertThat(target.resolve("b")).doesNotExist();
        // the same chunks without the extra entry restore
        String ok = HostileRepo.write(tmp.resolve("repo2"), manifest(List.of(file("a", HELLO, 0),
                file("ab", HELLO, 1024), file("b", HELLO, 0).withLocation(chunkKey(1), 0, 0))),
                chunk(t0.bytes()), c1);
        target = tmp.resolve("target2");
        Cli.Run r = restore(ok);
        assertThat(r.code()).as(r.toString()).isZero();
        assertThat(target.resolve("b")).hasBinaryContent(HELLO);
    }

    @Test
    void ownChunkInterleavedWithManyOlderChunksStillRestores() throws IOException {
        // an incremental (or resumed) snapshot: its own chunk's entries alternate with entries of
        // twelve chunks of another snapshot, more than the extractor keeps open at once
        Tar own = new Tar();
        List<ManifestRecord> records = new java.util.ArrayList<>();
        Map<String, byte[]> chunks = new LinkedHashMap<>();
        for (int i = 0; i < 24; i++) {
            String name = String.format("f%02d", i);
            byte[] content = (name + "\n").getBytes(StandardCharsets.UTF_8);
            if (i % 2 == 0) {
                records.add(file(name, content, own.pos()));
                own.file(name, content);
            } else {
                String key = String.format("chunks/20250101T000000Z-0old/%06d.tar.zst", i);
                chunks.put(key, chunk(new Tar().file("e" + i, HELLO).file(name, content).end().bytes()));
                records.add(file(name, content, 1024).withLocation(key, 0, 1024));
            }
        }
        chunks.put(chunkKey(0), chunk(own.end().bytes()));
        Cli.Run r = restore(HostileRepo.write(repo, manifest(records), chunks));
        assertThat(r.code()).as(r.toString()).isZero();
        assertThat(target.resolve("f23")).hasBinaryContent("f23\n".getBytes(StandardCharsets.UTF_8));
        assertThat(target.resolve("e23")).doesNotExist();
    }

    @Test
    void tarEntryOfAnotherTypeOrLinkTarget() throws IOException {
        Tar t = new Tar().symlink("a", outside.resolve("canary.txt").toString()).end();
        fails(restore(simpleRepo(t, List.of(file("a", HELLO, 0)))), 4, "'a'", "is a symlink but the manifest says file");

        Tar t2 = new Tar().symlink("l", outside.toString()).end();
        String uri2 = HostileRepo.write(tmp.resolve("repo2"), manifest(List.of(symlink("l", "inside", 0))),
                chunk(t2.bytes()));
        fails(restore(uri2), 4, "'l'", "links somewhere other");
        assertThat(target.resolve("l")).doesNotExist();
    }

    @Test
    void tarEntryNameNotValidUtf8() throws IOException {
        byte[] h = HostileRepo.header("a", '0', 0644, HELLO.length, null);
        h[1] = (byte) 0xff;
        Tar t = new Tar().raw(HostileRepo.checksum(h)).raw(HELLO).pad(HELLO.length).end();
        fails(restore(simpleRepo(t, List.of(file("a", HELLO, 0)))), 4, chunkKey(0), "UTF-8");
    }

    // ---- manifests edited by someone with write access to the bucket ----

    @Test
    void fileHashEditedInTheManifest() throws IOException {
        Tar t = new Tar().file("a", "evil\n".getBytes(StandardCharsets.UTF_8)).end();
        ManifestRecord r = file("a", HELLO, 0);
        r = new ManifestRecord(r.path(), r.type(), 5, r.mode(), 0, 0, null, null, r.mtime(), r.sha256(), null, null,
                r.chunk(), 0, 0, 0, 0);
        fails(restore(simpleRepo(t, List.of(r))), 4, "'a'", "does not match its SHA-256");
        assertThat(target.resolve("a")).doesNotExist();
        noTempFilesLeft();
    }

    @Test
    void manifestEditedWithoutItsTrailerOrIndex() throws IOException {
        Tar t = new Tar().file("a", HELLO).end();
        String uri = simpleRepo(t, List.of(file("a", HELLO, 0)));
        // edit the manifest (record path), keep the old trailer, fix the index hash
        String text = new String(Zstd.decompress(Files.readAllBytes(repo.resolve("manifests/" + HostileRepo.ID
                + ".jsonl.zst")), 1 << 20), StandardCharsets.UTF_8).replace("\"path\":\"a\"", "\"path\":\"b\"");
        byte[] edited = Zstd.compress(text.getBytes(StandardCharsets.UTF_8), 3);
        HostileRepo.write(repo, edited, chunk(t.bytes()));
        fails(restore(uri), 4, "trailer does not match");
        // edit again with a recomputed trailer but the old index hash
        byte[] good = HostileRepo.manifestLines(List.of(HostileRepo.json(file("a", HELLO, 0))));
        HostileRepo.write(repo, good, chunk(t.bytes()));
        Path m = repo.resolve("manifests/" + HostileRepo.ID + ".jsonl.zst");
        byte[] other = HostileRepo.manifestLines(List.of(HostileRepo.json(file("a", "hellO\n".getBytes(
                StandardCharsets.UTF_8), 0))));
        Files.write(m, other);
        fails(restore(uri), 4, "manifests/" + HostileRepo.ID + ".jsonl.zst", "the index");
        assertThat(targetEmpty()).isTrue();
    }

    // ---- a directory swapped for a symlink while the restore runs ----

    /** Restores in-process with a listener that moves {@code dir} away and plants a symlink to outside. */
    private void swapDuringRestore(String after, String dir, String expected) throws IOException {
        Map<String, String> before = outsideListing();
        Extractor.Listener swap = new Extractor.Listener() {
            @Override
            public void restored(ManifestRecord r) {
                if (r.path().equals(after)) {
                    try {
                        Files.move(target.resolve(dir), tmp.resolve("moved-" + dir));
                        Files.createSymbolicLink(target.resolve(dir), outside);
                    } catch (IOException ex) {
                        throw new java.io.UncheckedIOException(ex);
                    }
                }
            }
        };
        try (LocalDirectoryStore store = new LocalDirectoryStore(repo)) {
            RestoreOperation op = new RestoreOperation(Repository.open(store), Extractor.Options.defaults(), swap);
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> op.run(null, target, Selection.of(List.of())))
                    .isInstanceOf(UnsafeRestoreException.class).hasMessageContaining(expected);
        }
        Map<String, String> after2 = outsideListing();
        after2.keySet().removeIf(k -> k.startsWith("moved-"));
        assertThat(after2).isEqualTo(before);
    }

    private void twoFilesInADirectory() throws IOException {
        Tar t = new Tar();
        t.dir("d");
        long f1 = t.pos();
        t.file("d/canary.txt", HELLO);
        long f2 = t.pos();
        t.file("d/passwd", HELLO).end();
        simpleRepo(t, List.of(dir("d", 0), file("d/canary.txt", HELLO, f1), file("d/passwd", HELLO, f2)));
    }

    @Test
    void directorySwappedForASymlinkBeforeItsFiles() throws IOException {
        twoFilesInADirectory();
        swapDuringRestore("d", "d", "'d/canary.txt'");
        assertThat(tmp.resolve("moved-d/canary.txt")).doesNotExist();
    }

    @Test
    void directorySwappedForASymlinkWhileItIsOpen() throws IOException {
        twoFilesInADirectory();
        // the open directory is moved away: the second file lands in it (not outside), and the
        // directory metadata pass refuses the symlink now standing at its name
        swapDuringRestore("d/canary.txt", "d", "directory was replaced");
        assertThat(tmp.resolve("moved-d/passwd")).hasBinaryContent(HELLO);
        assertThat(outside.resolve("passwd")).doesNotExist();
    }
}

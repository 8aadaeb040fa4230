package org.karchive.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.stream.Stream;

/** Source trees for the fault tests, and hash comparisons of what a restore left behind. */
final class FaultTrees {
    private FaultTrees() {
    }

    /**
     * Writes {@code smallFiles} random files of 1-60 KB in a few directories, an empty file, and one
     * random file of {@code bigBytes} (stored as its own multipart chunk when larger than a part).
     */
    static Path tree(Path dir, long seed, int smallFiles, int bigBytes) throws IOException {
        Random rnd = new Random(seed);
        Files.createDirectories(dir);
        for (int i = 0; i < smallFiles; i++) {
            Path d = dir.resolve("d" + (i % 4));
            Files.createDirectories(d);
            byte[] b = new byte[1024 + rnd.nextInt(60 * 1024)];
            rnd.nextBytes(b);
            Files.write(d.resolve("f" + i + ".dcm"), b);
        }
        Files.write(dir.resolve("empty"), new byte[0]);
        if (bigBytes > 0) {
            byte[] big = new byte[bigBytes];
            rnd.nextBytes(big);
            Files.write(dir.resolve("big.bin"), big);
        }
        return dir;
    }

    /** SHA-256 of every regular file under {@code root}, by relative path. */
    static Map<String, String> hashes(Path root) throws IOException {
        Map<String, String> m = new TreeMap<>();
        try (Stream<Path> s = Files.walk(root)) {
            for (Path p : s.filter(Files::isRegularFile).toList()) {
                m.put(root.relativize(p).toString(), sha256(p));
            }
        }
        return m;
    }

    static String sha256(Path p) throws IOException {
        try (InputStream in = Files.newInputStream(p)) {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            byte[] buf = new byte[1 << 16];
            int n;
            while ((n = in.read(buf)) > 0) {
                md.update(buf, 0, n);
            }
            return HexFormat.of().formatHex(md.digest());
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Where a restore into {@code target} puts the tree archived from absolute {@code src}. */
    static Path restored(Path target, Path src) {
        return target.resolve(src.toString().substring(1));
    }

    /** Every file of {@code src} is in {@code restored} with the same SHA-256, and nothing else is. */
    static int assertSameFiles(Path src, Path restored) throws IOException {
        Map<String, String> want = hashes(src);
        assertThat(hashes(restored)).isEqualTo(want);
        return want.size();
    }

    /**
     * After a failed or interrupted restore: no file under {@code target} holds bytes other than its
     * source's (a file is either complete and right, or absent), and no temporary file is left.
     */
    static void assertNothingWrongLeft(Path src, Path target) throws IOException {
        if (!Files.exists(target)) {
            return;
        }
        Map<String, String> want = hashes(src);
        Path root = restored(target, src);
        try (Stream<Path> s = Files.walk(target)) {
            List<Path> files = s.filter(Files::isRegularFile).toList();
            for (Path p : files) {
                assertThat(p.getFileName().toString()).as("temporary file left: " + p)
                        .doesNotStartWith(".karchive-restore-");
                assertThat(p.startsWith(root)).as(p.toString()).isTrue();
                String rel = root.relativize(p).toString();
                assertThat(sha256(p)).as("restored file " + rel + " holds wrong bytes").isEqualTo(want.get(rel));
            }
        }
    }
}

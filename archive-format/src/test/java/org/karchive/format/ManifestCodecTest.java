package org.karchive.format;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import com.github.luben.zstd.Zstd;
import org.junit.jupiter.api.Test;

class ManifestCodecTest {

    private static ManifestRecord file(String path, String content) {
        return new ManifestRecord(path, EntryType.FILE, content.length(), 0644, 1000, 1000, "u", "g",
                1_700_000_000_123_456_789L, Sha256.of(content.getBytes(StandardCharsets.UTF_8)), null, null,
                "chunks/x/000000.tar.zst", 0, 0, 1, 2);
    }

    private static byte[] write(List<ManifestRecord> records) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ManifestWriter w = new ManifestWriter(out, "20261126T000000Z-abcd", 3);
        for (ManifestRecord r : records) {
            w.write(r);
        }
        w.finish();
        return out.toByteArray();
    }

    private static List<ManifestRecord> read(byte[] data) throws IOException {
        List<ManifestRecord> out = new ArrayList<>();
        try (ManifestReader r = new ManifestReader(new ByteArrayInputStream(data), "m")) {
            assertThat(r.header().snapshot()).isEqualTo("20261126T000000Z-abcd");
            ManifestRecord rec;
            while ((rec = r.read()) != null) {
                out.add(rec);
            }
        }
        return out;
    }

    @Test
    void roundTripKeepsEveryField() throws IOException {
        List<ManifestRecord> in = List.of(
                new ManifestRecord("a", EntryType.DIR, 0, 0700, 70, 70, null, null, -1_500_000_000L, null, null,
                        null, "c", 0, 0, 5, 6),
                file("a/b", "hello"),
                new ManifestRecord("a/c", EntryType.SYMLINK, 0, 0777, 0, 0, "root", "root", 0, null, "../x\ny", null,
                        "c", 1, 512, 7, 8),
                new ManifestRecord("a/d", EntryType.HARDLINK, 0, 0644, 0, 0, null, null, 0, null, "a/b", null,
                        "c", 1, 1024, 1, 2),
                file("a-b/\u60a3\u8005 \u2713.dcm", "x"));
        assertThat(read(write(in))).isEqualTo(in);
    }

    @Test
    void writerRefusesRecordsOutOfOrder() throws IOException {
        ManifestWriter w = new ManifestWriter(new ByteArrayOutputStream(), "id", 3);
        w.write(file("a-b", "x"));
        assertThatThrownBy(() -> w.write(file("a/b", "x"))).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void truncatedManifestIsDetected() throws IOException {
        List<ManifestRecord> in = new ArrayList<>();
        for (int i = 0; i < 2000; i++) {
            in.add(file(String.format("f%05d", i), "content " + i));
        }
        byte[] plain = Zstd.decompress(write(in), 10_000_000);
        String text = new String(plain, StandardCharsets.UTF_8);
        // drop the trailer line: a cleanly cut manifest still fails
        String cut = text.substring(0, text.lastIndexOf("{\"trailer\""));
        assertThatThrownBy(() -> read(Zstd.compress(cut.getBytes(StandardCharsets.UTF_8))))
                .isInstanceOf(FormatException.class).hasMessageContaining("truncated");
        // cut mid-stream in the compressed bytes
        byte[] z = write(in);
        assertThatThrownBy(() -> read(Arrays.copyOf(z, z.length / 2))).isInstanceOf(FormatException.class);
    }

    @Test
    void editedRecordIsDetectedByTheTrailer() throws IOException {
        byte[] plain = Zstd.decompress(write(List.of(file("a", "one"), file("b", "two"))), 1_000_000);
        String edited = new String(plain, StandardCharsets.UTF_8).replace("\"mode\":420", "\"mode\":2541");
        assertThat(edited).contains("2541");
        assertThatThrownBy(() -> read(Zstd.compress(edited.getBytes(StandardCharsets.UTF_8))))
                .isInstanceOf(IntegrityException.class).hasMessageContaining("trailer");
    }

    @Test
    void unsafePathsAreRefusedWhileReading() throws IOException {
        for (String bad : List.of("../etc/passwd", "/etc/passwd", "a/../../b", "a//b", "a/./b", "a\\b")) {
            String line = new String(Zstd.decompress(write(List.of(file("placeholder", "x"))), 1_000_000),
                    StandardCharsets.UTF_8).replace("placeholder", bad.replace("\\", "\\\\"));
            assertThatThrownBy(() -> read(Zstd.compress(line.getBytes(StandardCharsets.UTF_8))))
                    .as(bad).isInstanceOf(FormatException.class).hasMessageContaining("unsafe path");
        }
    }

    @Test
    void pathOrderIsDepthFirstByteOrder() {
        List<String> paths = new ArrayList<>(List.of("a.txt", "a-b", "a/c", "a", "a/b", "B", "\u00e4"));
        paths.sort(PathOrder.COMPARATOR);
        assertThat(paths).containsExactly("B", "a", "a/b", "a/c", "a-b", "a.txt", "\u00e4");
    }

    @Test
    void safePathRules() {
        assertThat(SafePaths.problem("home/kaapana/x")).isNull();
        assertThat(SafePaths.problem("a/" + "x".repeat(256))).contains("255");
        assertThat(SafePaths.problem("a/b\0c")).contains("NUL");
        assertThat(SafePaths.problem("x".repeat(200) + "/" + "y/".repeat(2000) + "z")).contains("4096");
        assertThat(SafePaths.problem("a/\uD800b")).contains("UTF-8");
    }
}

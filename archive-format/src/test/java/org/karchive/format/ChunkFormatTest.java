package org.karchive.format;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ChunkFormatTest {
    @TempDir
    Path tmp;

    private record Archived(MemoryChunks chunks, List<ManifestRecord> records, Archiver.Result result) {
    }

    private Archived archive(Path root, Archiver.Options options) throws IOException {
        MemoryChunks chunks = new MemoryChunks();
        ByteArrayOutputStream manifest = new ByteArrayOutputStream();
        ManifestWriter mw = new ManifestWriter(manifest, "id", 3);
        Archiver.Result result = new Archiver(options, (p, why) -> { }).run(List.of(root), s -> false, chunks, mw);
        mw.finish();
        List<ManifestRecord> records = new ArrayList<>();
        try (ManifestReader r = new ManifestReader(new ByteArrayInputStream(manifest.toByteArray()), "m")) {
            ManifestRecord rec;
            while ((rec = r.read()) != null) {
                records.add(rec);
            }
        }
        return new Archived(chunks, records, result);
    }

    private Path tree(int files, int size) throws IOException {
        Path root = tmp.resolve("src");
        Random rnd = new Random(7);
        for (int i = 0; i < files; i++) {
            Path d = root.resolve("d" + (i % 7));
            Files.createDirectories(d);
            byte[] b = new byte[size];
            rnd.nextBytes(b);
            Files.write(d.resolve("f" + i), b);
        }
        return root;
    }

    @Test
    void everyRecordPointsAtItsOwnTarHeader() throws IOException {
        Path root = tree(60, 100_000);
        Archived a = archive(root, Archiver.Options.defaults().withFrameSize(64 << 10).withChunkSize(2 << 20));
        assertThat(a.chunks().chunks.size()).isGreaterThan(1);
        assertThat(a.records()).hasSize(1 + 7 + 60);
        for (ManifestRecord r : a.records()) {
            try (InputStream in = a.chunks().openTar(r.chunk(), r.frame())) {
                in.skipNBytes(r.offset());
                TarArchiveInputStream tar = new TarArchiveInputStream(in);
                TarArchiveEntry e = tar.getNextEntry();
                String name = e.getName().endsWith("/") ? e.getName().substring(0, e.getName().length() - 1)
                        : e.getName();
                assertThat(name).isEqualTo(r.path());
            }
        }
    }

    @Test
    void streamingFromTheStartSkipsFramesByTheirHeaders() throws IOException {
        Path root = tree(60, 100_000);
        Archived a = archive(root, Archiver.Options.defaults().withFrameSize(64 << 10).withChunkSize(2 << 20));
        for (String key : a.chunks().chunks.keySet()) {
            SeekTable t = ChunkReader.seekTable(a.chunks(), key, a.chunks().chunks.get(key).length);
            for (int f = 0; f < t.frames().size(); f++) {
                byte[] viaTable;
                try (InputStream in = ChunkReader.openAt(a.chunks(), key, t, f)) {
                    viaTable = in.readAllBytes();
                }
                try (InputStream in = ChunkReader.openFromStart(
                        new ByteArrayInputStream(a.chunks().chunks.get(key)), key, f)) {
                    assertThat(in.readAllBytes()).isEqualTo(viaTable);
                }
            }
            int past = t.frames().size() + 1;
            assertThatThrownBy(() -> ChunkReader.openFromStart(
                    new ByteArrayInputStream(a.chunks().chunks.get(key)), key, past))
                    .isInstanceOf(FormatException.class).hasMessageContaining("has no frame");
        }
    }

    @Test
    void aFileNeverSpansChunksAndBigFilesGetTheirOwn() throws IOException {
        Path root = tmp.resolve("src");
        Files.createDirectories(root);
        byte[] big = new byte[3 << 20];
        new Random(1).nextBytes(big);
        Files.write(root.resolve("a-small"), new byte[1000]);
        Files.write(root.resolve("b-big"), big);
        Files.write(root.resolve("c-small"), new byte[1000]);
        Archived a = archive(root, Archiver.Options.defaults().withChunkSize(1 << 20).withFrameSize(256 << 10));
        assertThat(a.result().chunks()).hasSize(3);
        assertThat(new HashSet<>(a.records().stream().map(ManifestRecord::chunk).toList())).hasSize(3);
    }

    @Test
    void seekTableDescribesTheFrames() throws IOException {
        Path root = tree(20, 200_000);
        Archived a = archive(root, Archiver.Options.defaults().withFrameSize(64 << 10));
        byte[] chunk = a.chunks().chunks.values().iterator().next();
        SeekTable t = ChunkReader.seekTable(a.chunks(), a.chunks().chunks.keySet().iterator().next(), chunk.length);
        assertThat(t.frames().size()).isGreaterThan(50);
        assertThat(t.totalCompressed() + SeekTable.encodedSize(t.frames().size(), false)).isEqualTo(chunk.length);
        for (int i = 0; i < t.frames().size() - 1; i++) {
            assertThat(t.frames().get(i).decompressedSize()).isEqualTo(64 << 10);
        }
        assertThat(SeekTable.decode(t.encode())).isEqualTo(t);
    }

    @Test
    void restoreFromAnyFrameReadsOnlyTheTail() throws IOException {
        Path root = tree(40, 200_000);
        Archived a = archive(root, Archiver.Options.defaults().withFrameSize(64 << 10));
        ManifestRecord last = a.records().get(a.records().size() - 1);
        assertThat(last.frame()).isGreaterThan(10);
        a.chunks().bytesRead = 0;
        Path out = tmp.resolve("out");
        try (Extractor ex = new Extractor(out, Extractor.Options.defaults(), a.chunks(), java.util.Set.of(),
                new Extractor.Listener() { })) {
            ex.restore(last);
            ex.finish();
        }
        assertThat(Files.readAllBytes(out.resolve(last.path()))).isEqualTo(Files.readAllBytes(Path.of("/",
                last.path())));
        long chunkSize = a.chunks().chunks.get(last.chunk()).length;
        assertThat(a.chunks().bytesRead).isLessThan(chunkSize / 4);
    }

    @Test
    void corruptedFrameIsReportedNamingTheChunk() throws IOException {
        Path root = tree(5, 300_000);
        Archived a = archive(root, Archiver.Options.defaults());
        String key = a.chunks().chunks.keySet().iterator().next();
        byte[] data = a.chunks().chunks.get(key);
        data[data.length / 2] ^= 0x40;
        Path out = tmp.resolve("out");
        assertThatThrownBy(() -> {
            try (Extractor ex = new Extractor(out, Extractor.Options.defaults(), a.chunks(), java.util.Set.of(),
                    new Extractor.Listener() { })) {
                for (ManifestRecord r : a.records()) {
                    ex.restore(r);
                }
                ex.finish();
            }
        }).isInstanceOf(FormatException.class).hasMessageContaining(key);
        try (var files = Files.walk(out)) {
            assertThat(files.filter(Files::isRegularFile).filter(p -> p.getFileName().toString()
                    .startsWith(Extractor.TMP_PREFIX)).toList()).isEmpty();
        }
    }
}

package org.karchive.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;
import org.karchive.app.ops.Listing;
import org.karchive.app.ops.RestoreOperation;
import org.karchive.app.ops.Selection;
import org.karchive.app.repo.Repository;
import org.karchive.format.Extractor;
import org.karchive.store.LocalDirectoryStore;
import org.karchive.store.ForwardingObjectStore;
import org.karchive.store.ObjectStore;
import org.karchive.store.ObjectWriter;

/**
 * What a partial restore and {@code ls} download, counted at the object store: only the frames
 * that hold the selected entries (plus seek tables), and for {@code ls} no chunk byte at all.
 */
class PartialRestoreFetchTest {
    static final int MIB = 1 << 20;

    @TempDir
    Path tmp;
    Path src;
    String repoUri;

    /** Counts bytes read from objects under chunks/ and the number of chunk reads. */
    static final class CountingStore extends ForwardingObjectStore {
        final AtomicLong chunkBytes = new AtomicLong();
        final AtomicLong chunkGets = new AtomicLong();
        final List<String> ranges = new ArrayList<>();

        CountingStore(ObjectStore inner) {
            super(inner);
        }

        @Override
        public InputStream get(String key, long offset, long length) throws IOException {
            InputStream in = inner.get(key, offset, length);
            if (!key.startsWith("chunks/")) {
                return in;
            }
            chunkGets.incrementAndGet();
            synchronized (ranges) {
                ranges.add(key + "@" + offset + "+" + length);
            }
            return new FilterInputStream(in) {
                @Override
                public int read() throws IOException {
                    int b = super.read();
                    if (b >= 0) {
                        chunkBytes.incrementAndGet();
                    }
                    return b;
                }

                @Override
                public int read(byte[] b, int off, int len) throws IOException {
                    int n = super.read(b, off, len);
                    if (n > 0) {
                        chunkBytes.addAndGet(n);
                    }
                    return n;
                }

                @Override
                public long skip(long n) throws IOException {
                    long k = super.skip(n);
                    chunkBytes.addAndGet(k);
                    return k;
                }
            };
        }

    }

    /**
     * {@code dir/src} with 40 incompressible 1 MiB files f00..f39: archived with 4 MiB frames, one
     * 40 MiB chunk of ten frames.
     */
    static Path fortyFiles(Path dir) throws IOException {
        Path src = dir.resolve("src");
        Files.createDirectories(src);
        Random rnd = new Random(11);
        byte[] b = new byte[MIB];
        for (int i = 0; i < 40; i++) {
            rnd.nextBytes(b);
            Files.write(src.resolve(String.format("f%02d", i)), b);
        }
        return src;
    }

    /** Bytes of all chunk objects under {@code repo}. */
    static long chunkBytesOnDisk(Path repo) throws IOException {
        try (Stream<Path> s = Files.walk(repo.resolve("chunks"))) {
            return s.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
        }
    }

    @BeforeEach
    void tree() throws IOException {
        src = fortyFiles(tmp);
        repoUri = tmp.resolve("repo").toUri().toString();
        Cli.Run r = Cli.run("archive", "--json", "--repo", repoUri, "--frame-size", "4MiB", src.toString());
        assertThat(r.code()).as(r.toString()).isZero();
    }

    private CountingStore restore(Path out, String... paths) throws IOException {
        CountingStore store = new CountingStore(new LocalDirectoryStore(tmp.resolve("repo")));
        try (store) {
            new RestoreOperation(Repository.open(store), Extractor.Options.defaults(), new Extractor.Listener() {
            }).run(null, out, Selection.of(List.of(paths)));
        }
        return store;
    }

    @Test
    void oneFileFetchesOnlyItsFrames() throws IOException {
        long total = chunkBytesOnDisk(tmp.resolve("repo"));
        assertThat(total).isGreaterThan(40L * MIB);
        Path out = tmp.resolve("out");
        CountingStore s = restore(out, src.resolve("f33").toString());
        Path restored = out.resolve(src.toString().substring(1)).resolve("f33");
        assertThat(restored).hasSameBinaryContentAs(src.resolve("f33"));
        assertThat(out.resolve(src.toString().substring(1)).resolve("f32")).doesNotExist();
        // f33 spans at most two 4 MiB frames; reading starts at its frame
        assertThat(s.chunkBytes.get()).as(s.ranges.toString()).isLessThan(9L * MIB).isGreaterThan(MIB);
    }

    @Test
    void twoDistantFilesReopenTheChunkInsteadOfReadingThrough() throws IOException {
        Path out = tmp.resolve("out");
        CountingStore s = restore(out, src.resolve("f00").toString(), src.resolve("f39").toString());
        Path base = out.resolve(src.toString().substring(1));
        assertThat(base.resolve("f00")).hasSameBinaryContentAs(src.resolve("f00"));
        assertThat(base.resolve("f39")).hasSameBinaryContentAs(src.resolve("f39"));
        assertThat(s.chunkBytes.get()).as(s.ranges.toString()).isLessThan(14L * MIB);
        assertThat(s.chunkGets.get()).as("a second range read for f39").isGreaterThanOrEqualTo(2);
    }

    @Test
    void fullRestoreReadsEverything() throws IOException {
        Path out = tmp.resolve("out");
        CountingStore s = restore(out);
        assertThat(s.chunkBytes.get()).isGreaterThanOrEqualTo(40L * MIB);
    }

    @Test
    void lsFetchesNoChunk() throws IOException {
        CountingStore store = new CountingStore(new LocalDirectoryStore(tmp.resolve("repo")));
        List<String> paths = new ArrayList<>();
        try (store) {
            new Listing(Repository.open(store)).list(null, Selection.of(List.of(src.toString())),
                    r -> paths.add(r.path()));
        }
        assertThat(paths).hasSize(41);
        assertThat(store.chunkGets.get()).isZero();
        assertThat(store.chunkBytes.get()).isZero();
        // and the CLI lists with every chunk gone
        try (Stream<Path> s = Files.walk(tmp.resolve("repo/chunks"))) {
            for (Path p : s.filter(Files::isRegularFile).toList()) {
                Files.delete(p);
            }
        }
        Cli.Run r = Cli.run("ls", "--repo", repoUri, "latest", src.resolve("f07").toString());
        assertThat(r.code()).as(r.toString()).isZero();
        assertThat(r.out()).contains("/f07").doesNotContain("/f08");
    }

    /**
     * Measurement, not a check: {@code -Dkarchive.measure=<MiB>} archives a generated tree of that
     * size and prints what a one-file restore fetches.
     */
    @Test
    @EnabledIfSystemProperty(named = "karchive.measure", matches = "\\d+")
    void measureOneFileRestoreOfALargeSnapshot() throws IOException {
        int mib = Integer.parseInt(System.getProperty("karchive.measure"));
        Path big = tmp.resolve("big");
        Random rnd = new Random(5);
        byte[] b = new byte[256 * 1024];
        int files = mib * 4;
        for (int i = 0; i < files; i++) {
            Path d = big.resolve(String.format("series-%03d", i / 100));
            Files.createDirectories(d);
            rnd.nextBytes(b);
            Files.write(d.resolve(String.format("img-%05d.dcm", i)), b);
        }
        String uri = tmp.resolve("bigrepo").toUri().toString();
        Cli.Run a = Cli.run("archive", "--json", "--repo", uri, big.toString());
        assertThat(a.code()).as(a.toString()).isZero();
        long stored;
        try (Stream<Path> s = Files.walk(tmp.resolve("bigrepo/chunks"))) {
            stored = s.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
        }
        String one = big.resolve(String.format("series-%03d/img-%05d.dcm", (files / 2) / 100, files / 2)).toString();
        CountingStore store = new CountingStore(new LocalDirectoryStore(tmp.resolve("bigrepo")));
        try (store) {
            new RestoreOperation(Repository.open(store), Extractor.Options.defaults(), new Extractor.Listener() {
            }).run(null, tmp.resolve("out"), Selection.of(List.of(one)));
        }
        System.out.printf("MEASURE snapshot chunks %d bytes (%d files of 256 KiB); one-file restore of %s fetched"
                + " %d chunk bytes in %d reads: %s%n", stored, files, one, store.chunkBytes.get(),
                store.chunkGets.get(), store.ranges);
        assertThat(store.chunkBytes.get()).isLessThan(16L * MIB);
    }
}

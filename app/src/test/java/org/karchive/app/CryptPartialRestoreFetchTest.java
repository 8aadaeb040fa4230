package org.karchive.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.karchive.app.crypt.KeyMaterial;
import org.karchive.app.ops.RestoreOperation;
import org.karchive.app.ops.Selection;
import org.karchive.app.repo.Repository;
import org.karchive.format.Extractor;
import org.karchive.store.LocalDirectoryStore;

/**
 * What a partial restore downloads from an encrypted repository. An age file decrypts only from
 * its start, so reading an entry costs the chunk's bytes up to the end of the entry's frames
 * (earlier frames are downloaded and skipped by their headers, not decompressed), never the
 * whole chunk for a seek table first. Prints the measured bytes.
 */
class CryptPartialRestoreFetchTest {
    static final int MIB = 1 << 20;

    @TempDir
    Path tmp;
    Path src;
    CryptKeys alice;

    @BeforeEach
    void tree() throws IOException {
        src = PartialRestoreFetchTest.fortyFiles(tmp); // one 40 MiB chunk of ten 4 MiB frames
        alice = CryptKeys.create(tmp, "alice");
        Cli.Run r = Cli.run("archive", "--json", "--repo", tmp.resolve("repo").toUri().toString(), "--encrypt-to",
                alice.recipient(), "--frame-size", "4MiB", src.toString());
        assertThat(r.code()).as(r.toString()).isZero();
    }

    private long fetch(String file) throws IOException {
        PartialRestoreFetchTest.CountingStore store =
                new PartialRestoreFetchTest.CountingStore(new LocalDirectoryStore(tmp.resolve("repo")));
        Path out = tmp.resolve("out-" + file);
        try (store) {
            Repository repo = Repository.open(store, new KeyMaterial(List.of(), List.of(alice.identity()), null));
            new RestoreOperation(repo, Extractor.Options.defaults(), new Extractor.Listener() {
            }).run(null, out, Selection.of(List.of(src.resolve(file).toString())));
        }
        assertThat(out.resolve(src.toString().substring(1)).resolve(file)).hasSameBinaryContentAs(src.resolve(file));
        return store.chunkBytes.get();
    }

    @Test
    void oneFileFetchesThePrefixOfItsChunkUpToItsFrames() throws IOException {
        long total = PartialRestoreFetchTest.chunkBytesOnDisk(tmp.resolve("repo"));
        long first = fetch("f00");
        long middle = fetch("f20");
        long last = fetch("f39");
        System.out.printf("MEASURE encrypted chunk %d bytes; one-file restore fetched: f00 %d, f20 %d, f39 %d bytes%n",
                total, first, middle, last);
        assertThat(first).isLessThan(5L * MIB);
        assertThat(middle).isLessThan(26L * MIB).isGreaterThan(20L * MIB);
        assertThat(last).isLessThanOrEqualTo(total);
    }
}

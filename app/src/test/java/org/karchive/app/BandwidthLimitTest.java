package org.karchive.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** An honest lower bound, not a benchmark: a limit really slows transfers down. */
class BandwidthLimitTest {
    @TempDir
    Path tmp;

    @Test
    void uploadOf100MiBAt20MiBPerSecondTakesAtLeastFourAndAHalfSeconds() throws Exception {
        Path src = tmp.resolve("src");
        Files.createDirectories(src);
        byte[] b = new byte[1 << 20];
        Random rnd = new Random(1);
        for (int i = 0; i < 100; i++) {
            rnd.nextBytes(b); // incompressible, so ~100 MiB reach the store
            Files.write(src.resolve("f" + i), b);
        }
        String repo = tmp.resolve("repo").toUri().toString();
        long t0 = System.nanoTime();
        Cli.Run r = Cli.run("archive", "--json", "--limit-upload", "20MiB/s", "--repo", repo, src.toString());
        double seconds = (System.nanoTime() - t0) / 1e9;
        assertThat(r.code()).as(r.toString()).isZero();
        assertThat(r.json().get("storedBytes").asLong()).isGreaterThan(100L << 20);
        assertThat(seconds).isGreaterThanOrEqualTo(4.5);

        long t1 = System.nanoTime();
        Cli.Run v = Cli.run("verify", "--limit-download", "50MiB/s", "--repo", repo);
        assertThat(v.code()).isZero();
        assertThat((System.nanoTime() - t1) / 1e9).isGreaterThanOrEqualTo(1.8);
    }
}

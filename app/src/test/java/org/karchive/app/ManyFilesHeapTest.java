package org.karchive.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Memory must not grow with the number of files: 200,000 files archive and restore in a JVM whose
 * heap is capped at 256 MiB (a separate process running the real entry point).
 */
class ManyFilesHeapTest {
    static final int DIRS = 200;
    static final int PER_DIR = 1000;

    @TempDir
    Path tmp;

    private JsonNode karchive(String... args) throws IOException, InterruptedException {
        return new ChildKarchive(tmp, java.util.Map.of()).ok(args);
    }

    @Test
    void twoHundredThousandFilesWithA256MiBHeap() throws Exception {
        Path src = tmp.resolve("src");
        byte[] content = new byte[64];
        for (int d = 0; d < DIRS; d++) {
            Path dir = src.resolve(String.format("dir%03d", d));
            Files.createDirectories(dir);
            for (int f = 0; f < PER_DIR; f++) {
                content[0] = (byte) f;
                content[1] = (byte) d;
                Files.write(dir.resolve("file-with-a-longish-name-" + f + ".dcm"), content);
            }
        }
        String repo = tmp.resolve("repo").toUri().toString();
        JsonNode a = karchive("archive", "--json", "--repo", repo, "--chunk-size", "16MiB", src.toString());
        assertThat(a.get("files").asLong()).isEqualTo((long) DIRS * PER_DIR);
        assertThat(a.get("chunks").asLong()).isGreaterThan(1);

        JsonNode v = karchive("verify", "--json", "--repo", repo);
        assertThat(v.get("ok").asBoolean()).isTrue();

        Path out = tmp.resolve("out");
        JsonNode r = karchive("restore", "--json", "--repo", repo, "--target", out.toString());
        assertThat(r.get("files").asLong()).isEqualTo((long) DIRS * PER_DIR);
        Path sample = out.resolve(src.toString().substring(1)).resolve("dir123/file-with-a-longish-name-456.dcm");
        byte[] b = Files.readAllBytes(sample);
        assertThat(b[0]).isEqualTo((byte) 456);
        assertThat(b[1]).isEqualTo((byte) 123);
        assertThat(File.separator).isEqualTo("/");
    }
}

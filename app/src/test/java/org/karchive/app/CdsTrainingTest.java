package org.karchive.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The launcher's training run must keep exercising every command successfully, S3 included. */
class CdsTrainingTest {
    @Test
    void everyTrainingCommandSucceedsAgainstFileAndTheLocalEndpoint(@TempDir Path dir) throws Exception {
        List<String> failed = CdsTraining.train(dir);
        assertThat(failed).isEmpty();
        Path original = dir.resolve("src/data/sub/a.bin");
        String stored = original.toAbsolutePath().toString().substring(1);
        assertThat(dir.resolve("out").resolve(stored)).hasSameBinaryContentAs(original);
        assertThat(dir.resolve("out3").resolve(stored)).hasSameBinaryContentAs(original);
    }
}

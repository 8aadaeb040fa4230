package org.karchive.app.cli;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.karchive.app.UsageException;
import org.karchive.store.StoreConfig;
import org.junit.jupiter.api.Test;

/** Part settings that cannot fit the launcher's 256 MiB heap are refused up front, with the numbers. */
class UploadMemoryCheckTest {
    private static final long HEAP = 256L << 20;

    @Test
    void defaultsFitTheLaunchersHeap() {
        assertThatCode(() -> S3Options.checkUploadMemory(StoreConfig.defaults(), HEAP)).doesNotThrowAnyException();
        assertThatCode(() -> S3Options.checkUploadMemory(StoreConfig.defaults().withPartSize(16L << 20), HEAP))
                .doesNotThrowAnyException();
    }

    @Test
    void partsThatWouldExhaustTheHeapAreRefused() {
        // 32 MiB x 4 in flight ran out of heap at -Xmx256m halfway through an archive
        StoreConfig big = StoreConfig.defaults().withPartSize(32L << 20).withPartsInFlight(4);
        assertThatThrownBy(() -> S3Options.checkUploadMemory(big, HEAP))
                .isInstanceOf(UsageException.class)
                .hasMessageContaining("--part-size 32MiB with --parts-in-flight 4 needs about 256 MiB")
                .hasMessageContaining("KARCHIVE_JAVA_OPTS");
        assertThatCode(() -> S3Options.checkUploadMemory(big, 1L << 30)).doesNotThrowAnyException();
    }
}

package org.karchive.app.repo;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.junit.jupiter.api.Test;

/** "latest" and the parent of an incremental archive are found by id order, also within one second. */
class SnapshotIdTest {
    @Test
    void idsSortByTimeWithinOneSecond() {
        Instant t = Instant.parse("2026-11-27T05:00:00Z");
        String previous = null;
        for (int ms = 0; ms < 1000; ms += 7) {
            for (int i = 0; i < 3; i++) {
                String id = Repository.newSnapshotId(t.plusMillis(ms));
                assertThat(id).matches("20261127T050000Z-\\d{3}[0-9a-f]");
                assertThat(id).startsWith("20261127T050000Z-" + String.format("%03d", ms));
            }
            String id = Repository.newSnapshotId(t.plusMillis(ms));
            if (previous != null) {
                assertThat(id).isGreaterThan(previous);
            }
            previous = id;
        }
        assertThat(Repository.newSnapshotId(t.plusSeconds(1))).isGreaterThan(previous);
    }
}

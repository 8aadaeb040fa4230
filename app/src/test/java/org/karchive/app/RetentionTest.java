package org.karchive.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.karchive.app.ops.Retention;

class RetentionTest {
    private static List<Retention.Item> hourlyFor(int days) {
        List<Retention.Item> items = new ArrayList<>();
        Instant start = Instant.parse("2026-01-01T00:30:00Z");
        for (int h = 0; h < days * 24; h += 6) {
            items.add(new Retention.Item("s" + h, start.plusSeconds(h * 3600L), "host [/data]"));
        }
        return items;
    }

    private static List<String> kept(Retention r, List<Retention.Item> items) {
        return r.apply(items).stream().filter(Retention.Decision::keep).map(d -> d.item().id()).toList();
    }

    @Test
    void keepLastKeepsTheNewest() {
        assertThat(kept(new Retention(3, 0, 0, 0, 0, 0), hourlyFor(2))).containsExactly("s42", "s36", "s30");
    }

    @Test
    void keepDailyKeepsTheNewestOfEachDay() {
        // four snapshots a day for 10 days: the newest of each of the last 3 days
        assertThat(kept(new Retention(0, 0, 3, 0, 0, 0), hourlyFor(10))).containsExactly("s234", "s210", "s186");
    }

    @Test
    void rulesCombineAndGroupsAreSeparate() {
        List<Retention.Item> items = new ArrayList<>(hourlyFor(3));
        items.add(new Retention.Item("other", Instant.parse("2025-01-01T00:00:00Z"), "host [/other]"));
        List<String> k = kept(new Retention(1, 0, 2, 0, 0, 1), items);
        assertThat(k).contains("s66", "s42", "other").doesNotContain("s18", "s0");
    }

    @Test
    void weeklyMonthlyYearlyBuckets() {
        List<Retention.Item> items = new ArrayList<>();
        Instant t = Instant.parse("2024-01-03T12:00:00Z");
        for (int d = 0; d < 800; d++) {
            items.add(new Retention.Item(String.format("d%03d", d), t.plusSeconds(d * 86400L), "g"));
        }
        assertThat(kept(new Retention(0, 0, 0, 0, 0, 3), items)).containsExactly("d799", "d728", "d363");
        assertThat(kept(new Retention(0, 0, 0, 0, 2, 0), items)).hasSize(2);
        assertThat(kept(new Retention(0, 0, 0, 4, 0, 0), items)).hasSize(4);
    }
}

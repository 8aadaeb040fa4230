package org.karchive.app.ops;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.temporal.IsoFields;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Which snapshots a retention policy keeps, with restic's semantics: snapshots are grouped by host
 * and paths; within a group, newest first, {@code keepLast} keeps the N newest, and each
 * {@code keepHourly/Daily/Weekly/Monthly/Yearly} keeps the newest snapshot of each of the N most
 * recent hours/days/... that have snapshots. A snapshot any rule keeps is kept. Times are UTC.
 */
public record Retention(int last, int hourly, int daily, int weekly, int monthly, int yearly) {

    public Retention {
        if (last < 0 || hourly < 0 || daily < 0 || weekly < 0 || monthly < 0 || yearly < 0) {
            throw new IllegalArgumentException("keep counts must not be negative");
        }
    }

    public boolean empty() {
        return last + hourly + daily + weekly + monthly + yearly == 0;
    }

    /** One snapshot as retention sees it. */
    public record Item(String id, Instant time, String group) {
    }

    /** The decision for one snapshot, with the rules that keep it. */
    public record Decision(Item item, boolean keep, List<String> reasons) {
    }

    public List<Decision> apply(List<Item> items) {
        Map<String, List<Item>> groups = new LinkedHashMap<>();
        for (Item i : items) {
            groups.computeIfAbsent(i.group(), g -> new ArrayList<>()).add(i);
        }
        List<Decision> out = new ArrayList<>();
        for (List<Item> g : groups.values()) {
            g.sort(Comparator.comparing(Item::time).thenComparing(Item::id).reversed());
            Rule[] rules = {
                new Rule("last", last, t -> null),
                new Rule("hourly", hourly, t -> t.getYear() + "-" + t.getDayOfYear() + "-" + t.getHour()),
                new Rule("daily", daily, t -> t.getYear() + "-" + t.getDayOfYear()),
                new Rule("weekly", weekly, t -> t.get(IsoFields.WEEK_BASED_YEAR) + "-W"
                        + t.get(IsoFields.WEEK_OF_WEEK_BASED_YEAR)),
                new Rule("monthly", monthly, t -> t.getYear() + "-" + t.getMonthValue()),
                new Rule("yearly", yearly, t -> Integer.toString(t.getYear())),
            };
            for (Item i : g) {
                ZonedDateTime t = i.time().atZone(ZoneOffset.UTC);
                List<String> reasons = new ArrayList<>();
                for (Rule r : rules) {
                    if (r.take(t)) {
                        reasons.add(r.name);
                    }
                }
                out.add(new Decision(i, !reasons.isEmpty(), reasons));
            }
        }
        return out;
    }

    private static final class Rule {
        final String name;
        int left;
        final Function<ZonedDateTime, String> bucket;
        String lastBucket;

        Rule(String name, int count, Function<ZonedDateTime, String> bucket) {
            this.name = name;
            this.left = count;
            this.bucket = bucket;
        }

        boolean take(ZonedDateTime t) {
            if (left <= 0) {
                return false;
            }
            String b = bucket.apply(t);
            if (b != null && b.equals(lastBucket)) {
                return false;
            }
            lastBucket = b;
            left--;
            return true;
        }
    }
}

package org.karchive.app.cli;

import java.time.Duration;
import java.util.Locale;
import picocli.CommandLine;

/** Parses durations like {@code 24h}, {@code 30m}, {@code 90s}, {@code 7d}, {@code 0}. */
public final class DurationConverter implements CommandLine.ITypeConverter<Duration> {
    @Override
    public Duration convert(String value) {
        String v = value.trim().toLowerCase(Locale.ROOT);
        if (v.equals("0")) {
            return Duration.ZERO;
        }
        if (v.length() < 2) {
            throw new CommandLine.TypeConversionException("not a duration: " + value + " (e.g. 24h, 30m, 7d)");
        }
        long n;
        try {
            n = Long.parseLong(v.substring(0, v.length() - 1));
        } catch (NumberFormatException e) {
            throw new CommandLine.TypeConversionException("not a duration: " + value + " (e.g. 24h, 30m, 7d)");
        }
        return switch (v.charAt(v.length() - 1)) {
            case 's' -> Duration.ofSeconds(n);
            case 'm' -> Duration.ofMinutes(n);
            case 'h' -> Duration.ofHours(n);
            case 'd' -> Duration.ofDays(n);
            default -> throw new CommandLine.TypeConversionException("not a duration: " + value);
        };
    }
}

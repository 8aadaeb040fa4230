package org.karchive.app.cli;

import java.util.Locale;
import picocli.CommandLine;

/** Parses sizes such as {@code 128MiB}, {@code 64M}, {@code 1GiB}, {@code 4096}. Powers of 1024. */
public final class Sizes implements CommandLine.ITypeConverter<Long> {
    @Override
    public Long convert(String value) {
        return parse(value);
    }

    public static long parse(String value) {
        String v = value.trim().toLowerCase(Locale.ROOT);
        int i = 0;
        while (i < v.length() && (Character.isDigit(v.charAt(i)) || v.charAt(i) == '.')) {
            i++;
        }
        if (i == 0) {
            throw new CommandLine.TypeConversionException("not a size: " + value);
        }
        double n = Double.parseDouble(v.substring(0, i));
        String unit = v.substring(i).trim();
        long mult = switch (unit) {
            case "", "b" -> 1L;
            case "k", "kb", "kib" -> 1L << 10;
            case "m", "mb", "mib" -> 1L << 20;
            case "g", "gb", "gib" -> 1L << 30;
            case "t", "tb", "tib" -> 1L << 40;
            default -> throw new CommandLine.TypeConversionException("unknown size unit in " + value);
        };
        return (long) (n * mult);
    }

    /** Parses a rate such as {@code 50MiB/s} (the {@code /s} is optional) into bytes per second. */
    public static final class Rate implements CommandLine.ITypeConverter<Long> {
        @Override
        public Long convert(String value) {
            String v = value.trim();
            if (v.toLowerCase(Locale.ROOT).endsWith("/s")) {
                v = v.substring(0, v.length() - 2);
            }
            return parse(v);
        }
    }

    /** Human form of a byte count, e.g. 1.5 GiB. */
    public static String human(long bytes) {
        if (bytes < 1024) {
            return bytes + " B";
        }
        String[] units = {"KiB", "MiB", "GiB", "TiB", "PiB"};
        double v = bytes;
        int u = -1;
        while (v >= 1024 && u < units.length - 1) {
            v /= 1024;
            u++;
        }
        return String.format(Locale.ROOT, "%.1f %s", v, units[u]);
    }
}

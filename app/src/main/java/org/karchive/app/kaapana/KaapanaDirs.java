package org.karchive.app.kaapana;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The two Kaapana data directories: from the options, else the environment variables
 * {@code FAST_DATA_DIR}/{@code SLOW_DATA_DIR} (as Kaapana's deploy script names them), else
 * {@code /home/kaapana}. Absolute and normalised; equal when Kaapana uses one directory.
 */
public record KaapanaDirs(Path fast, Path slow) {
    public static final String DEFAULT = "/home/kaapana";
    /** Longest version string recorded; the file is one short line. */
    static final int MAX_VERSION_CHARS = 200;

    public static KaapanaDirs resolve(Path fastOption, Path slowOption, Map<String, String> env) {
        return new KaapanaDirs(pick(fastOption, env.get("FAST_DATA_DIR")), pick(slowOption, env.get("SLOW_DATA_DIR")));
    }

    private static Path pick(Path option, String env) {
        Path p = option != null ? option : env != null && !env.isBlank() ? Path.of(env.trim()) : Path.of(DEFAULT);
        return p.toAbsolutePath().normalize();
    }

    /** The directories to archive: both, or one when they are the same. */
    public List<Path> roots() {
        List<Path> r = new ArrayList<>(List.of(fast));
        if (!slow.equals(fast)) {
            r.add(slow);
        }
        return r;
    }

    /**
     * The first line of {@code $FAST_DATA_DIR/version} (written by Kaapana's version-file job), or
     * null when it is missing, not a regular file, or empty.
     */
    public String version() throws IOException {
        Path f = fast.resolve("version");
        if (!Files.isRegularFile(f, LinkOption.NOFOLLOW_LINKS)) {
            return null;
        }
        try (BufferedReader r = Files.newBufferedReader(f, StandardCharsets.UTF_8)) {
            String line = r.readLine();
            if (line == null || line.isBlank()) {
                return null;
            }
            line = line.strip();
            return line.length() > MAX_VERSION_CHARS ? line.substring(0, MAX_VERSION_CHARS) : line;
        } catch (java.nio.charset.CharacterCodingException e) {
            return null;
        }
    }
}

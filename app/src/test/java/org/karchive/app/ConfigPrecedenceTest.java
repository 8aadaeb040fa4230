package org.karchive.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.karchive.format.Json;

/** flag > KARCHIVE_* environment > config file > built-in default, observed through --chunk-size. */
class ConfigPrecedenceTest {
    @TempDir
    Path tmp;
    Path src;
    Path config;

    @BeforeEach
    void tree() throws Exception {
        src = tmp.resolve("src");
        Files.createDirectories(src);
        Random rnd = new Random(2);
        byte[] b = new byte[1 << 20];
        for (int i = 0; i < 12; i++) {
            rnd.nextBytes(b);
            Files.write(src.resolve("f" + i), b);
        }
        config = tmp.resolve("config.properties");
    }

    /** Archives 12 files of 1 MiB into a fresh repository; returns the chunks written (files per chunk = chunk size in MiB - 1, since each entry also has a header). */
    private int chunks(Map<String, String> env, String... extra) throws Exception {
        String repo = tmp.resolve("repo-" + System.nanoTime()).toUri().toString();
        String[] base = {"archive", "--json", "--full", "--repo", repo};
        String[] args = new String[base.length + extra.length + 1];
        System.arraycopy(base, 0, args, 0, base.length);
        System.arraycopy(extra, 0, args, base.length, extra.length);
        args[args.length - 1] = src.toString();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.run(new PrintWriter(out), new PrintWriter(err), env, args);
        assertThat(code).as(err.toString()).isZero();
        JsonNode j = Json.MAPPER.readTree(out.toString());
        return j.get("chunks").asInt();
    }

    @Test
    void flagBeatsEnvironmentBeatsFileBeatsDefault() throws Exception {
        Files.writeString(config, "# karchive options\nchunk-size = 6MiB\n");
        Map<String, String> env = Map.of("KARCHIVE_CHUNK_SIZE", "3MiB");
        assertThat(chunks(Map.of())).as("built-in default 128MiB").isEqualTo(1);
        assertThat(chunks(Map.of(), "--config", config.toString())).as("file").isEqualTo(3);
        assertThat(chunks(Map.of("KARCHIVE_CONFIG", config.toString()))).as("file via env").isEqualTo(3);
        assertThat(chunks(env, "--config", config.toString())).as("env over file").isEqualTo(6);
        assertThat(chunks(env, "--config", config.toString(), "--chunk-size", "2MiB")).as("flag").isEqualTo(12);
    }

    @Test
    void commandScopedKeysAndTheRepositoryFromTheEnvironment() throws Exception {
        Files.writeString(config, "chunk-size = 6MiB\narchive.chunk-size = 3MiB\n");
        assertThat(chunks(Map.of(), "--config", config.toString())).isEqualTo(6);

        String repo = tmp.resolve("env-repo").toUri().toString();
        StringWriter out = new StringWriter();
        int code = Main.run(new PrintWriter(out), new PrintWriter(new StringWriter()),
                Map.of("KARCHIVE_REPO", repo), "archive", "--json", src.toString());
        assertThat(code).isZero();
        assertThat(Files.isDirectory(tmp.resolve("env-repo/snapshots"))).isTrue();
    }

    @Test
    void aConfigFileOthersCanWriteIsRefused() throws Exception {
        Files.writeString(config, "chunk-size = 6MiB\n");
        Files.setPosixFilePermissions(config, PosixFilePermissions.fromString("rw-rw-rw-"));
        StringWriter err = new StringWriter();
        int code = Main.run(new PrintWriter(new StringWriter()), new PrintWriter(err), Map.of(), "snapshots",
                "--config", config.toString(), "--repo", tmp.toUri().toString());
        assertThat(code).isEqualTo(2);
        assertThat(err.toString()).contains("writable by others");
    }
}

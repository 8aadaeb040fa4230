package org.karchive.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FiltersAndDryRunTest {
    @TempDir
    Path tmp;
    Path src;
    String repo;

    @BeforeEach
    void tree() throws Exception {
        src = tmp.resolve("src");
        for (String f : List.of("a/keep.dcm", "a/skip.tmp", "b/keep.txt", "b/sub/x.log", "cache/data.bin",
                "cache/CACHEDIR.TAG", "fakecache/CACHEDIR.TAG", "fakecache/data.bin", "logs/app.log")) {
            Path p = src.resolve(f);
            Files.createDirectories(p.getParent());
            Files.writeString(p, f.endsWith("CACHEDIR.TAG") && f.startsWith("cache/")
                    ? "Signature: 8a477f597d28d172789f06886806bc55\n# a cache\n" : "content of " + f + "\n");
        }
        repo = tmp.resolve("repo").toUri().toString();
    }

    private List<String> archived(String id) {
        Cli.Run ls = Cli.run("ls", "--json", "--repo", repo, id);
        assertThat(ls.code()).as(ls.toString()).isZero();
        List<String> out = new ArrayList<>();
        String prefix = src.toString() + "/";
        for (JsonNode e : ls.json()) {
            String p = e.get("path").asText();
            if (p.startsWith(prefix)) {
                out.add(p.substring(prefix.length()));
            }
        }
        return out;
    }

    @Test
    void excludeFileAndCaches() throws Exception {
        Path patterns = tmp.resolve("excludes.txt");
        Files.writeString(patterns, "# temporary files\n*.tmp\n\n" + src.toString().substring(1) + "/logs\n");
        Cli.Run r = Cli.run("archive", "--json", "--repo", repo, "--exclude-file", patterns.toString(),
                "--exclude-caches", "--exclude", "*.log", src.toString());
        assertThat(r.code()).as(r.toString()).isZero();
        assertThat(archived(r.json().get("snapshot").asText())).containsExactly("a", "a/keep.dcm", "b", "b/keep.txt",
                "b/sub", "cache", "cache/CACHEDIR.TAG", "fakecache", "fakecache/CACHEDIR.TAG", "fakecache/data.bin");
    }

    @Test
    void restoreIncludeAndExclude() throws Exception {
        assertThat(Cli.run("archive", "--repo", repo, src.toString()).code()).isZero();
        Path out = tmp.resolve("out");
        Cli.Run r = Cli.run("restore", "--json", "--repo", repo, "--target", out.toString(), "--include", "a",
                "--include", "*.txt", "--exclude", "skip.*");
        assertThat(r.code()).as(r.toString()).isZero();
        Path base = out.resolve(src.toString().substring(1));
        List<String> files;
        try (Stream<Path> s = Files.walk(base)) {
            files = s.filter(Files::isRegularFile).map(p -> base.relativize(p).toString()).sorted().toList();
        }
        assertThat(files).containsExactly("a/keep.dcm", "b/keep.txt");
    }

    @Test
    void dryRunReadsAndWritesNothing() throws Exception {
        Cli.Run first = Cli.run("archive", "--json", "--dry-run", "--repo", repo, src.toString());
        assertThat(first.code()).as(first.toString()).isZero();
        assertThat(first.json().get("files").asLong()).isEqualTo(9);
        assertThat(first.json().get("filesToRead").asLong()).isEqualTo(9);
        assertThat(tmp.resolve("repo")).doesNotExist();

        assertThat(Cli.run("archive", "--repo", repo, src.toString()).code()).isZero();
        Files.writeString(src.resolve("b/keep.txt"), "changed, and longer than before\n");
        Cli.Run second = Cli.run("archive", "--json", "--dry-run", "--repo", repo, src.toString());
        assertThat(second.json().get("filesToRead").asLong()).isEqualTo(1);
        assertThat(second.json().get("bytesToRead").asLong()).isEqualTo(32);
        assertThat(Cli.run("snapshots", "--json", "--repo", repo).json()).hasSize(1);
    }
}

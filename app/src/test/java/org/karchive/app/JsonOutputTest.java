package org.karchive.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every command's --json output is one parseable document with the fields CLI.md requires. */
class JsonOutputTest {
    @TempDir
    Path tmp;

    private JsonNode json(int expectedCode, String... args) {
        Cli.Run r = Cli.run(args);
        assertThat(r.code()).as(r.toString()).isEqualTo(expectedCode);
        return r.json();
    }

    private static void hasFields(JsonNode n, String... fields) {
        for (String f : fields) {
            assertThat(n.has(f)).as("field " + f + " in " + n).isTrue();
        }
    }

    @Test
    void everyCommand() throws Exception {
        Path src = tmp.resolve("src");
        Files.createDirectories(src.resolve("d"));
        Files.writeString(src.resolve("d/f"), "data");
        String repo = tmp.resolve("repo").toUri().toString();

        JsonNode a = json(0, "archive", "--json", "--repo", repo, src.toString());
        hasFields(a, "snapshot", "files", "dirs", "bytes", "storedBytes", "newBytes", "chunks", "manifestSha256",
                "skipped");
        assertThat(a.get("skipped").isArray()).isTrue();
        String id = a.get("snapshot").asText();

        JsonNode r = json(0, "restore", "--json", "--repo", repo, "--target", tmp.resolve("out").toString());
        hasFields(r, "snapshot", "files", "bytes");

        JsonNode v = json(0, "verify", "--json", "--repo", repo);
        hasFields(v, "snapshot", "ok", "problems");
        assertThat(v.get("problems").isArray()).isTrue();

        JsonNode s = json(0, "snapshots", "--json", "--repo", repo);
        assertThat(s.isArray()).isTrue();
        hasFields(s.get(0), "id", "time", "host", "paths", "files", "bytes");
        assertThat(s.get(0).get("id").asText()).isEqualTo(id);

        JsonNode ls = json(0, "ls", "--json", "--repo", repo);
        hasFields(ls.get(0), "path", "type", "size", "mode", "uid", "gid", "mtime");

        hasFields(json(0, "forget", "--json", "--repo", repo, "--keep-last", "5"), "keep", "remove", "dryRun");
        hasFields(json(0, "prune", "--json", "--repo", repo), "deleted", "abortedUploads", "kept");
        hasFields(json(0, "check-repo", "--json", "--repo", tmp.resolve("check").toUri().toString()), "ok", "steps");
        hasFields(json(0, "archive", "--json", "--dry-run", "--repo", repo, src.toString()), "files", "bytesToRead");
        hasFields(json(2, "verify", "--json", "--repo", repo, "--quick", "--read-data"), "error", "exitCode");
        hasFields(json(1, "verify", "--json", "--repo", repo, "no-such-snapshot"), "error", "exitCode");
    }
}

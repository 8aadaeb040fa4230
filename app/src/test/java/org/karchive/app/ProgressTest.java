package org.karchive.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.karchive.app.cli.GlobalOptions;
import org.karchive.app.cli.Progress;

/** Progress is drawn on a terminal and never into a pipe, a file or JSON output. */
class ProgressTest {
    @TempDir
    Path tmp;

    @Test
    void theDecision() {
        GlobalOptions g = new GlobalOptions();
        assertThat(Progress.enabled(g, true)).isTrue();
        assertThat(Progress.enabled(g, false)).isFalse();
        g.json = true;
        assertThat(Progress.enabled(g, true)).isFalse();
        g.json = false;
        g.quiet = true;
        assertThat(Progress.enabled(g, true)).isFalse();
        g.quiet = false;
        g.noProgress = true;
        assertThat(Progress.enabled(g, true)).isFalse();
        assertThat(Progress.stderrIsTerminal()).as("surefire's stderr is a pipe").isFalse();
    }

    @Test
    void shownOnAPseudoTerminalAndNotInAPipe() throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/script")), "util-linux script(1) is not installed");
        Path src = tmp.resolve("src");
        Files.createDirectories(src);
        Files.write(src.resolve("f"), new byte[3 << 20]);
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String cmd = java + " -cp " + System.getProperty("java.class.path") + " " + Main.class.getName()
                + " archive --repo " + tmp.resolve("repo").toUri() + " " + src;
        Path typescript = tmp.resolve("typescript");
        Process p = new ProcessBuilder("/usr/bin/script", "-qec", cmd, typescript.toString())
                .redirectErrorStream(true).redirectOutput(tmp.resolve("pty.out").toFile()).start();
        assertThat(p.waitFor(2, TimeUnit.MINUTES)).isTrue();
        String onTerminal = Files.readString(tmp.resolve("pty.out"), StandardCharsets.UTF_8);
        assertThat(p.exitValue()).as(onTerminal).isZero();
        assertThat(onTerminal).contains("archive").contains("MiB").contains("snapshot");

        ChildKarchive.Result piped = new ChildKarchive(tmp, Map.of()).run("archive", "--repo",
                tmp.resolve("repo2").toUri().toString(), src.toString());
        assertThat(piped.code()).isZero();
        assertThat(piped.stderr()).doesNotContain("MiB/s").doesNotContain("%");
    }
}

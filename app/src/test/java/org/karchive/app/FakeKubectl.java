package org.karchive.app;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/** Small shell scripts standing in for kubectl, named by the {@code karchive.kubectl} property. */
final class FakeKubectl {
    static final String PROPERTY = "karchive.kubectl";

    private FakeKubectl() {
    }

    /** A kubectl that prints {@code stdout} and exits 0. */
    static Path listing(Path dir, String stdout) throws IOException {
        return script(dir, "kubectl-list", "cat <<'PODS'\n" + stdout + "PODS\n");
    }

    /** A kubectl that cannot reach a cluster, as the real one without microk8s. */
    static Path unreachable(Path dir) throws IOException {
        return script(dir, "kubectl-fail", "echo 'The connection to the server localhost:8080 was refused "
                + "- did you specify the right host or port?' >&2\nexit 1\n");
    }

    private static Path script(Path dir, String name, String body) throws IOException {
        Path p = dir.resolve(name);
        Files.writeString(p, "#!/bin/sh\n" + body, StandardCharsets.UTF_8);
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
        return p;
    }
}

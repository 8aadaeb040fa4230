package org.karchive.app.kaapana;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.FutureTask;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * Asks {@code kubectl get pods -A --no-headers} which Kaapana pods exist. The executable is the
 * system property {@code karchive.kubectl}, else the environment variable {@code KARCHIVE_KUBECTL},
 * else {@code kubectl} on the PATH; none found means no check. A kubectl that fails or times out
 * (no cluster, microk8s removed) proves nothing is running: that is reported, not an error.
 */
final class KubectlProbe {
    static final String PROPERTY = "karchive.kubectl";
    static final String ENV = "KARCHIVE_KUBECTL";
    static final long TIMEOUT_SECONDS = 30;
    private static final int MAX_OUTPUT = 4 << 20;
    private static final Set<String> FINISHED = Set.of("Completed", "Succeeded", "Failed", "Error");

    /** A pod line: namespace, name, status. */
    record Pod(String namespace, String name, String status) {
        @Override
        public String toString() {
            return namespace + "/" + name + " (" + status + ")";
        }
    }

    /** What kubectl said: the Kaapana pods still there, or why it could not tell (then pods is empty). */
    record Result(List<Pod> pods, String unavailable) {
    }

    private KubectlProbe() {
    }

    /** The kubectl executable to use, or null when there is none. */
    static String executable() {
        String p = System.getProperty(PROPERTY);
        if (p == null || p.isBlank()) {
            p = System.getenv(ENV);
        }
        if (p != null && !p.isBlank()) {
            return p;
        }
        String path = System.getenv("PATH");
        if (path == null) {
            return null;
        }
        for (String dir : path.split(File.pathSeparator)) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, "kubectl"))) {
                return Path.of(dir, "kubectl").toString();
            }
        }
        return null;
    }

    static Result query(String kubectl) throws InterruptedException {
        Process p;
        try {
            p = new ProcessBuilder(kubectl, "get", "pods", "-A", "--no-headers", "--request-timeout=20s")
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
        } catch (IOException e) {
            return new Result(List.of(), "could not run " + kubectl + ": " + e.getMessage());
        }
        FutureTask<String> out = drain(p.getInputStream());
        FutureTask<String> err = drain(p.getErrorStream());
        try {
            if (!p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                return new Result(List.of(), kubectl + " gave no answer in " + TIMEOUT_SECONDS + " s");
            }
            if (p.exitValue() != 0) {
                return new Result(List.of(), kubectl + " exited " + p.exitValue() + ": " + lastLine(err.get()));
            }
            return new Result(kaapanaPods(out.get()), null);
        } catch (ExecutionException e) {
            return new Result(List.of(), "could not read kubectl's output: " + e.getCause());
        } finally {
            p.destroyForcibly();
        }
    }

    /** Kaapana's pods that have not finished, from {@code --no-headers} output. */
    static List<Pod> kaapanaPods(String output) {
        List<Pod> pods = new ArrayList<>();
        for (String line : output.split("\n")) {
            String[] f = line.trim().split("\\s+");
            if (f.length < 4) {
                continue;
            }
            Pod pod = new Pod(f[0], f[1], f[3]);
            if (isKaapana(pod.namespace()) && !FINISHED.contains(pod.status())) {
                pods.add(pod);
            }
        }
        return pods;
    }

    static boolean isKaapana(String namespace) {
        return namespace.equals("services") || namespace.equals("admin") || namespace.startsWith("project-")
                || namespace.contains("kaapana");
    }

    /** Reads a stream to its end on a daemon thread of its own (never a shared pool: it blocks). */
    private static FutureTask<String> drain(InputStream in) {
        FutureTask<String> task = new FutureTask<>(() -> {
            ByteArrayOutputStream b = new ByteArrayOutputStream();
            byte[] buf = new byte[8192];
            try (in) {
                int n;
                while ((n = in.read(buf)) >= 0) {
                    if (b.size() < MAX_OUTPUT) {
                        b.write(buf, 0, n);
                    }
                }
            } catch (IOException e) {
                // the process was killed; keep what was read
            }
            return b.toString(StandardCharsets.UTF_8);
        });
        Thread t = new Thread(task, "kubectl-output");
        t.setDaemon(true);
        t.start();
        return task;
    }

    private static String lastLine(String s) {
        String t = s.strip();
        int nl = t.lastIndexOf('\n');
        return nl < 0 ? t : t.substring(nl + 1);
    }
}

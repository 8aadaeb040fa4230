package org.karchive.app;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The launcher's class-data-sharing training run: runs the common commands once on a small tree in
 * a temporary directory (archive, no-change archive, ls, verify, restore, snapshots, forget) and one
 * S3 command against a closed local port, so the JVM's dynamic CDS archive written at exit holds
 * the classes real runs load. Later runs map them instead of loading and verifying them again
 * (about a second less start-up for S3 commands). Writes nothing outside its temporary directory.
 */
public final class CdsTraining {
    private CdsTraining() {
    }

    public static void main(String[] args) throws IOException {
        org.karchive.format.NativeDigests.install();
        Path dir = Files.createTempDirectory("karchive-cds-");
        try {
            for (String f : train(dir)) {
                System.err.println("karchive class-data training: " + f);
            }
        } finally {
            try (Stream<Path> s = Files.walk(dir)) {
                s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    /** Runs the training commands in {@code dir}; returns those that did not exit 0, with their output. */
    static java.util.List<String> train(Path dir) throws IOException {
        java.util.List<String> failed = new java.util.ArrayList<>();
        Path src = Files.createDirectories(dir.resolve("src/data/sub"));
        // 12 MiB that do not compress, so the S3 upload below is a multipart one of 5 MiB parts
        byte[] data = new byte[12 << 20];
        long x = 0x9E3779B97F4A7C15L;
        for (int i = 0; i < data.length; i++) {
            x ^= x << 13;
            x ^= x >>> 7;
            x ^= x << 17;
            data[i] = (byte) x;
        }
        Files.write(src.resolve("a.bin"), data);
        Files.writeString(src.resolve("b.txt"), "karchive\n");
        Files.createSymbolicLink(src.resolve("link"), Path.of("b.txt"));
        Files.createLink(src.resolve("hard"), src.resolve("b.txt"));
        String repo = dir.resolve("repo").toUri().toString();
        String source = dir.resolve("src").toString();
        Map<String, String> env = new HashMap<>();
        Path config = Files.writeString(dir.resolve("empty.properties"), "");
        env.put("KARCHIVE_CONFIG", config.toString());
        run(failed, env, "archive", "--repo", repo, source);
        Files.writeString(src.resolve("b.txt"), "karchive 2\n");
        run(failed, env, "archive", "--json", "--repo", repo, source);
        run(failed, env, "snapshots", "--repo", repo);
        run(failed, env, "ls", "--repo", repo, "latest");
        run(failed, env, "verify", "--repo", repo);
        run(failed, env, "restore", "--repo", repo, "--target", dir.resolve("out").toString());
        run(failed, env, "forget", "--repo", repo, "--keep-last", "1", "--prune", "--dry-run");
        // S3: the same commands through the SDK, against a throwaway in-memory endpoint
        // the SDK reads credentials from system properties before the environment and profiles
        System.setProperty("aws.accessKeyId", "training");
        System.setProperty("aws.secretAccessKey", "training");
        System.setProperty("aws.region", "us-east-1");
        try (TrainingEndpoint endpoint = TrainingEndpoint.start()) {
            String s3 = "s3://karchive-training/t";
            String url = endpoint.url();
            run(failed, env, "archive", "--repo", s3, "--endpoint", url, "--part-size", "5MiB", source);
            run(failed, env, "archive", "--repo", s3, "--endpoint", url, source);
            run(failed, env, "snapshots", "--repo", s3, "--endpoint", url);
            run(failed, env, "ls", "--repo", s3, "--endpoint", url, "latest");
            run(failed, env, "verify", "--repo", s3, "--endpoint", url);
            run(failed, env, "restore", "--repo", s3, "--endpoint", url, "--target", dir.resolve("out3").toString());
            run(failed, env, "forget", "--repo", s3, "--endpoint", url, "--keep-last", "1", "--prune", "--dry-run");
        }
        return failed;
    }

    private static void run(java.util.List<String> failed, Map<String, String> env, String... args) {
        StringWriter sink = new StringWriter();
        PrintWriter w = new PrintWriter(sink);
        int code = Main.run(w, w, env, args);
        if (code != 0) {
            failed.add("exit " + code + ": " + String.join(" ", args) + "\n" + sink);
        }
    }
}

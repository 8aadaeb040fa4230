package org.karchive.testsupport;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.SortedMap;
import java.util.stream.Stream;

/**
 * A deterministic generator of a tree shaped like a small Kaapana instance (the fast and slow
 * data directories in one root): PV folders {@code <ns>-<pvc>-pvc-<uuid>} with seven PGDATA
 * clusters, OpenLDAP, OpenSearch, dcm4chee DICOM storage and WildFly standalone, MinIO, plus the
 * fixed host paths {@code workflows/} and {@code airflow/logs/} and a {@code version} file. See
 * {@code docs/research} "Synthetic corpus" for the model behind counts, sizes and bytes.
 *
 * <p>The same seed and options give the same tree, byte for byte, with the same modes, owners and
 * nanosecond mtimes ({@link TreeListing} of two such trees compares equal). {@code scale(1.0)}
 * is about 1.7 GB in about 17k files; {@code scale(0.01)} is a few MB for unit tests. With
 * {@link Builder#edgeCases(boolean)} an {@code edge/} folder holds symlinks, hard links, a sparse
 * file, a FIFO, odd names, modes, owners and mtimes. Owners other than root are set only when the
 * generator runs as root; {@link Summary#intendedOwners()} records them either way.
 *
 * <pre>{@code
 * Summary s = KaapanaCorpus.builder().seed(42).scale(0.01).edgeCases(true).build().generate(dir);
 * }</pre>
 */
public final class KaapanaCorpus {
    /** A numeric owner. The Kaapana services' ids are constants. */
    public record Owner(int uid, int gid) {
        public static final Owner ROOT = new Owner(0, 0);
        public static final Owner POSTGRES = new Owner(70, 70);
        public static final Owner OPENSEARCH = new Owner(1000, 1000);
        public static final Owner LDAP = new Owner(1021, 1021);
        public static final Owner WILDFLY = new Owner(1023, 1023);
        public static final Owner LOKI = new Owner(10001, 10001);

        public Owner {
            if (uid < 0 || gid < 0) {
                throw new IllegalArgumentException("negative id: " + uid + ":" + gid);
            }
        }

        public boolean isRoot() {
            return uid == 0 && gid == 0;
        }

        @Override
        public String toString() {
            return uid + ":" + gid;
        }
    }

    /**
     * What was generated. {@code files} counts regular-file paths (each hard link once more),
     * {@code bytes} their apparent size (hard links and holes of sparse files counted once and in
     * full), {@code specialFiles} FIFOs. {@code intendedOwners} maps each relative path meant to
     * be owned by someone other than root to that owner (whether or not it could be chowned).
     */
    public record Summary(long files, long directories, long symlinks, long specialFiles, long bytes,
            SortedMap<String, Owner> intendedOwners) {
        public Summary {
            intendedOwners = Collections.unmodifiableSortedMap(intendedOwners);
        }

        @Override
        public String toString() {
            return String.format("files=%d dirs=%d symlinks=%d special=%d bytes=%d (%.1f MiB)", files, directories,
                    symlinks, specialFiles, bytes, bytes / 1048576.0);
        }
    }

    public static final class Builder {
        private long seed = 1;
        private double scale = 0.01;
        private boolean edgeCases;
        private long sparseSize = -1;
        private long tinyFiles;
        private boolean kaapana = true;

        private Builder() {}

        public Builder seed(long seed) {
            this.seed = seed;
            return this;
        }

        /** 1.0 is a small instance (~1.7 GB); 0.01 (the default) a few MB. */
        public Builder scale(double scale) {
            if (!(scale > 0 && scale <= 100)) {
                throw new IllegalArgumentException("scale must be in (0, 100]: " + scale);
            }
            this.scale = scale;
            return this;
        }

        /** Adds the {@code edge/} folder. Off by default. */
        public Builder edgeCases(boolean edgeCases) {
            this.edgeCases = edgeCases;
            return this;
        }

        /**
         * Apparent size of {@code edge/sparse/disk.img}, at least 1 MiB; it holds min(4 MiB, size/8)
         * of data. Default: 1 GiB times min(1, scale), at least 8 MiB.
         */
        public Builder sparseSize(long bytes) {
            if (bytes < (1 << 20)) {
                throw new IllegalArgumentException("sparse size below 1 MiB: " + bytes);
            }
            this.sparseSize = bytes;
            return this;
        }

        /**
         * Instead of the Kaapana tree, {@code n} tiny files (0-2 KiB, 1000 per directory) under
         * {@code tiny/}: for walk and metadata benchmarks. 0 (default) means the Kaapana tree.
         */
        public Builder tinyFiles(long n) {
            if (n < 0) {
                throw new IllegalArgumentException("negative file count: " + n);
            }
            this.tinyFiles = n;
            return this;
        }

        /** Leaves out the Kaapana tree (e.g. for an {@code edge/}-only tree). On by default. */
        public Builder kaapanaTree(boolean kaapana) {
            this.kaapana = kaapana;
            return this;
        }

        public KaapanaCorpus build() {
            long sparse = sparseSize > 0 ? sparseSize : Math.max(8L << 20, (long) ((1L << 30) * Math.min(1, scale)));
            return new KaapanaCorpus(seed, scale, edgeCases, sparse, tinyFiles, kaapana);
        }
    }

    private final long seed;
    private final double scale;
    private final boolean edgeCases;
    private final long sparseSize;
    private final long tinyFiles;
    private final boolean kaapana;

    private KaapanaCorpus(long seed, double scale, boolean edgeCases, long sparseSize, long tinyFiles,
            boolean kaapana) {
        this.seed = seed;
        this.scale = scale;
        this.edgeCases = edgeCases;
        this.sparseSize = sparseSize;
        this.tinyFiles = tinyFiles;
        this.kaapana = kaapana;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** True when this process may chown (uid 0). */
    public static boolean runningAsRoot() {
        return Posix.isRoot();
    }

    /**
     * Generates the tree into {@code root}, which is created if missing and must be empty. The
     * root directory's own metadata is left alone.
     */
    public Summary generate(Path root) throws IOException {
        Files.createDirectories(root);
        try (Stream<Path> s = Files.list(root)) {
            if (s.findAny().isPresent()) {
                throw new IOException("not empty: " + root);
            }
        }
        Xorshift rng = new Xorshift(seed);
        TreeWriter w = new TreeWriter(root, rng.fork("mtimes"), true);
        if (tinyFiles > 0) {
            tiny(w, rng.fork("tiny"));
        } else if (kaapana) {
            new KaapanaTrees(w, rng.fork("kaapana"), scale).generate();
        }
        if (edgeCases) {
            new EdgeCases(w, rng.fork("edge"), sparseSize).generate();
        }
        w.finish();
        return new Summary(w.files, w.dirs, w.symlinks, w.specials, w.bytes, w.owners());
    }

    private void tiny(TreeWriter w, Xorshift r) throws IOException {
        byte[] text = Texts.conf(r, 8192).getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        int perDir = 1000;
        int width = Math.max(4, Long.toString((tinyFiles - 1) / perDir).length());
        for (long i = 0; i < tinyFiles; i++) {
            String dir = String.format("tiny/d%0" + width + "d", i / perDir);
            if (i % perDir == 0) {
                w.dir(dir, Owner.ROOT, 0755);
            }
            long size = r.nextInt(2049);
            TreeWriter.Content c = (i & 1) == 0 ? TreeWriter.random(r) : TreeWriter.mixed(0, text, r);
            w.file(dir + "/f" + i, Owner.ROOT, 0644, size, c);
        }
    }

    /**
     * {@code KaapanaCorpus [--seed N] [--scale X] [--files N] [--edge-cases] [--sparse-size BYTES] OUTDIR}:
     * generates a corpus and prints its summary and the time taken.
     */
    public static void main(String[] args) throws IOException {
        System.exit(run(System.out, System.err, args));
    }

    static int run(PrintStream out, PrintStream err, String... args) throws IOException {
        Builder b = builder();
        Path dir = null;
        try {
            for (int i = 0; i < args.length; i++) {
                switch (args[i]) {
                    case "--seed" -> b.seed(Long.parseLong(args[++i]));
                    case "--scale" -> b.scale(Double.parseDouble(args[++i]));
                    case "--files" -> b.tinyFiles(Long.parseLong(args[++i]));
                    case "--edge-cases" -> b.edgeCases(true);
                    case "--sparse-size" -> b.sparseSize(Long.parseLong(args[++i]));
                    default -> {
                        if (args[i].startsWith("-") || dir != null) {
                            throw new IllegalArgumentException("unexpected argument: " + args[i]);
                        }
                        dir = Path.of(args[i]);
                    }
                }
            }
            if (dir == null) {
                throw new IllegalArgumentException("missing OUTDIR");
            }
        } catch (IllegalArgumentException | ArrayIndexOutOfBoundsException e) {
            err.println("error: " + e.getMessage());
            err.println("usage: KaapanaCorpus [--seed N] [--scale X] [--files N] [--edge-cases] "
                    + "[--sparse-size BYTES] OUTDIR");
            return 2;
        }
        long t0 = System.nanoTime();
        Summary s = b.build().generate(dir);
        Duration took = Duration.ofNanos(System.nanoTime() - t0);
        out.println(s + String.format(" in %.2f s", took.toMillis() / 1000.0));
        return 0;
    }

    @Override
    public String toString() {
        return "KaapanaCorpus[seed=" + seed + ", scale=" + scale + ", edgeCases=" + edgeCases
                + (tinyFiles > 0 ? ", tinyFiles=" + tinyFiles : "") + "]";
    }
}

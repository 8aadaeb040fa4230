package org.karchive.testsupport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KaapanaCorpusTest {
    private static final LinkOption NOFOLLOW = LinkOption.NOFOLLOW_LINKS;
    private static final long SPARSE = 64L << 20;
    private static final Pattern DICOM_PATH =
            Pattern.compile("services-dcm4chee-dicom-pv-claim-pvc-[0-9a-f-]{36}/\\d{4}/\\d{2}/\\d{2}/[0-9A-F]{8}/[0-9A-F]{8}/[0-9A-F]{8}");

    @TempDir
    static Path shared;
    static Path tree;
    static KaapanaCorpus.Summary summary;
    static long generationMillis;

    @BeforeAll
    static void generateOnce() throws IOException {
        tree = shared.resolve("seed42");
        long t0 = System.nanoTime();
        summary = corpus(42).generate(tree);
        generationMillis = (System.nanoTime() - t0) / 1_000_000;
    }

    private static KaapanaCorpus corpus(long seed) {
        return KaapanaCorpus.builder().seed(seed).scale(0.01).edgeCases(true).sparseSize(SPARSE).build();
    }

    private static List<String> relativeFiles(Path root) throws IOException {
        try (Stream<Path> s = Files.walk(root)) {
            return s.filter(p -> Files.isRegularFile(p, NOFOLLOW)).map(p -> root.relativize(p).toString())
                    .sorted().collect(Collectors.toList());
        }
    }

    private static Path onlyChild(Path root, String prefix) throws IOException {
        try (Stream<Path> s = Files.list(root)) {
            List<Path> l = s.filter(p -> p.getFileName().toString().startsWith(prefix)).collect(Collectors.toList());
            assertThat(l).as("PV folders starting with " + prefix).hasSize(1);
            return l.get(0);
        }
    }

    @Test
    void sameSeedGivesIdenticalTreeAndDifferentSeedDoesNot(@TempDir Path dir) throws IOException {
        KaapanaCorpus.Summary again = corpus(42).generate(dir.resolve("again"));
        assertThat(again).isEqualTo(summary);
        TreeListing a = TreeListing.of(tree);
        TreeListing b = TreeListing.of(dir.resolve("again"));
        assertThat(a.diff(b)).isEmpty();
        assertThat(a.lines()).isEqualTo(b.lines());

        corpus(43).generate(dir.resolve("other"));
        TreeListing c = TreeListing.of(dir.resolve("other"));
        assertThat(c.lines()).isNotEqualTo(a.lines());
        // different PV uuids, and different content even where paths agree
        assertThat(c.get("version").sha256()).isEqualTo(a.get("version").sha256());
        assertThat(c.get("edge/hardlinks/triple-1").sha256()).isNotEqualTo(a.get("edge/hardlinks/triple-1").sha256());
    }

    @Test
    void smallScaleIsSmallAndQuick() {
        assertThat(generationMillis).as("generation time at scale 0.01").isLessThan(15_000);
        assertThat(summary.files()).isBetween(200L, 1000L);
        assertThat(summary.bytes() - SPARSE).as("bytes besides the sparse file").isBetween(2_000_000L, 40_000_000L);
        assertThat(summary.symlinks()).isEqualTo(5);
        assertThat(summary.specialFiles()).isEqualTo(1);
    }

    @Test
    void hasSevenPostgresClustersWithTheirEmptyDirectories() throws IOException {
        List<Path> pgdata;
        try (Stream<Path> s = Files.walk(tree, 2)) {
            pgdata = s.filter(p -> Files.isRegularFile(p.resolve("PG_VERSION"), NOFOLLOW)).collect(Collectors.toList());
        }
        assertThat(pgdata).hasSize(7);
        assertThat(pgdata).map(p -> tree.relativize(p).toString()).allMatch(
                s -> s.matches("(admin|services)-[a-z0-9-]+-pv-claim-pvc-[0-9a-f-]{36}/(data|postgres-dcm4che)"));
        for (Path d : pgdata) {
            assertThat(Files.readString(d.resolve("PG_VERSION"))).isEqualTo("17\n");
            for (String empty : new String[] {"pg_tblspc", "pg_twophase", "pg_snapshots", "pg_replslot", "pg_notify",
                "pg_serial", "pg_dynshmem", "pg_commit_ts", "pg_logical/snapshots", "pg_logical/mappings"}) {
                Path e = d.resolve(empty);
                assertThat(e).isDirectory();
                try (Stream<Path> s = Files.list(e)) {
                    assertThat(s.count()).as(e.toString()).isZero();
                }
            }
            Path wal = d.resolve("pg_wal/000000010000000000000001");
            long walSize = Files.size(wal);
            assertThat(walSize % 8192).isZero();
            byte[] walBytes = Files.readAllBytes(wal);
            assertThat(walBytes[walBytes.length - 1]).isZero();
            assertThat(walBytes[0] | walBytes[1] | walBytes[2] | walBytes[3]).isNotZero();
            try (Stream<Path> s = Files.walk(d.resolve("base"))) {
                List<Path> rels = s.filter(Files::isRegularFile).collect(Collectors.toList());
                assertThat(rels).isNotEmpty();
                for (Path r : rels) {
                    assertThat(Files.size(r) % 8192).as(r.toString()).isZero();
                }
            }
            Map<String, Object> a = Files.readAttributes(d, "unix:mode,uid,gid", NOFOLLOW);
            assertThat((Integer) a.get("mode") & 07777).isEqualTo(0700);
            assertThat((Integer) Files.getAttribute(d.resolve("PG_VERSION"), "unix:mode") & 07777).isEqualTo(0600);
            if (KaapanaCorpus.runningAsRoot()) {
                assertThat(a.get("uid")).isEqualTo(70);
                assertThat(a.get("gid")).isEqualTo(70);
            }
            String rel = tree.relativize(d).toString();
            assertThat(summary.intendedOwners()).containsEntry(rel, KaapanaCorpus.Owner.POSTGRES)
                    .containsEntry(rel + "/PG_VERSION", KaapanaCorpus.Owner.POSTGRES);
        }
    }

    @Test
    void pvRootsAreWorldWritable() throws IOException {
        try (Stream<Path> s = Files.list(tree)) {
            List<Path> pvs = s.filter(p -> p.getFileName().toString().contains("-pvc-")).collect(Collectors.toList());
            assertThat(pvs).hasSize(13);
            for (Path pv : pvs) {
                assertThat((Integer) Files.getAttribute(pv, "unix:mode", NOFOLLOW) & 07777).as(pv.toString())
                        .isEqualTo(0777);
            }
        }
    }

    @Test
    void dicomStorageHasDcm4cheePathShapeAndOwner() throws IOException {
        Path pv = onlyChild(tree, "services-dcm4chee-dicom-");
        List<String> files = relativeFiles(tree).stream().filter(f -> f.startsWith("services-dcm4chee-dicom-"))
                .collect(Collectors.toList());
        assertThat(files).hasSize(24).allMatch(f -> DICOM_PATH.matcher(f).matches());
        byte[] head = Files.readAllBytes(tree.resolve(files.get(0)));
        assertThat(new String(head, 128, 4, StandardCharsets.US_ASCII)).isEqualTo("DICM");
        if (KaapanaCorpus.runningAsRoot()) {
            assertThat(Files.getAttribute(tree.resolve(files.get(0)), "unix:uid")).isEqualTo(1023);
        }
        // the three content models: raw CT slices are exactly 512*512*2 bytes plus the header
        long raw = files.stream().filter(f -> size(tree.resolve(f)) == Dicom.RAW_CT_BYTES + Dicom.HEADER_BYTES).count();
        assertThat(raw).isEqualTo(6);
        assertThat(pv).isDirectory();
    }

    private static long size(Path p) {
        try {
            return Files.size(p);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void otherServicesAreThere() throws IOException {
        List<String> files = relativeFiles(tree);
        Path os = onlyChild(tree, "services-opensearch-");
        assertThat(os.resolve("data/nodes/0/node.lock")).isEmptyFile();
        assertThat(files).anyMatch(f -> f.matches(".*/data/nodes/0/indices/[0-9a-f]{22}/0/index/write\\.lock"));
        Path dcm4che = onlyChild(tree, "services-dcm4che-pv-claim-");
        assertThat(dcm4che.resolve("ldap/data.mdb")).isRegularFile();
        assertThat(dcm4che.resolve("slapd.d/cn=config.ldif")).isRegularFile();
        Path standalone = onlyChild(tree, "services-dcm4chee-standalone-");
        assertThat(standalone.resolve("chown.done")).isEmptyFile();
        assertThat(standalone.resolve("deployments/dcm4chee-arc-ear-5.33.1-psql-secure.ear.deployed")).isEmptyFile();
        Path minio = onlyChild(tree, "services-minio-");
        assertThat(Files.readString(minio.resolve(".minio.sys/format.json"))).contains("\"format\":\"xl-single\"");
        assertThat(files).filteredOn(f -> f.matches(".*/uploads/[^/]+\\.zip/[0-9a-f-]{36}/part\\.\\d+"))
                .hasSizeGreaterThanOrEqualTo(6);
        assertThat(files).anyMatch(f -> f.matches(".*/project-admin/thumbnails/[0-9.]+\\.png/xl\\.meta"));
        assertThat(files).anyMatch(
                f -> f.matches("airflow/logs/dag_id=[^/]+/run_id=[^/]+/task_id=[^/]+/attempt=\\d\\.log"));
        assertThat(files).anyMatch(f -> f.matches("workflows/dags/.*\\.py"));
        assertThat(files).anyMatch(f -> f.matches(".*-models-pv-claim-pvc-.*/model_final_checkpoint\\.model"));
        assertThat(files).anyMatch(f -> f.matches("admin-extensions-pv-claim-pvc-.*/extensions/.*\\.tgz"));
        long zeroByte = files.stream().filter(f -> size(tree.resolve(f)) == 0).count();
        assertThat(zeroByte).isGreaterThan(20);
    }

    @Test
    void edgeCasesAreAllPresent() throws IOException {
        Path e = tree.resolve("edge");
        assertThat(Files.readSymbolicLink(e.resolve("links/relative"))).isEqualTo(Path.of("target.txt"));
        assertThat(Files.readSymbolicLink(e.resolve("links/absolute")).isAbsolute()).isTrue();
        assertThat(Files.exists(e.resolve("links/dangling"))).isFalse();
        assertThat(Files.isSymbolicLink(e.resolve("links/dangling"))).isTrue();
        assertThat(e.resolve("links/to-dir")).isDirectory();
        assertThat(Files.getAttribute(e.resolve("hardlinks/pair-b"), "unix:nlink")).isEqualTo(2);
        assertThat(Files.getAttribute(e.resolve("hardlinks/sub/triple-2"), "unix:nlink")).isEqualTo(3);
        assertThat(Files.isSameFile(e.resolve("hardlinks/triple-1"), e.resolve("hardlinks/triple-3"))).isTrue();
        assertThat((Boolean) Files.getAttribute(e.resolve("special/fifo"), "unix:isOther", NOFOLLOW)).isTrue();
        assertThat(e.resolve("names/" + EdgeCases.UNICODE_NAME)).isRegularFile();
        assertThat(e.resolve("names/" + EdgeCases.NEWLINE_NAME)).isRegularFile();
        assertThat(EdgeCases.name255Ascii().getBytes(StandardCharsets.UTF_8)).hasSize(255);
        assertThat(EdgeCases.name255Utf8().getBytes(StandardCharsets.UTF_8)).hasSize(255);
        assertThat(e.resolve("names/" + EdgeCases.name255Utf8())).isRegularFile();
        List<String> files = relativeFiles(tree);
        assertThat(files).anyMatch(f -> f.startsWith("edge/long/") && f.getBytes(StandardCharsets.UTF_8).length > 100
                && f.getBytes(StandardCharsets.UTF_8).length < 255);
        assertThat(files).anyMatch(f -> f.getBytes(StandardCharsets.UTF_8).length > 255);
        assertThat(mode(e.resolve("modes/sticky"))).isEqualTo(01777);
        assertThat(mode(e.resolve("modes/open"))).isEqualTo(0777);
        assertThat(mode(e.resolve("modes/setgid"))).isEqualTo(02775);
        assertThat(mode(e.resolve("modes/readonly"))).isEqualTo(0555);
        assertThat(e.resolve("modes/readonly/file.txt")).isRegularFile();
        assertThat(mode(e.resolve("modes/no-permissions"))).isZero();
        assertThat(mode(e.resolve("modes"))).isEqualTo(0755);
        assertThat(mtime(e.resolve("times/pre-1970"))).isEqualTo(EdgeCases.PRE_1970);
        assertThat(mtime(e.resolve("times/post-2038"))).isEqualTo(EdgeCases.POST_2038);
        assertThat(mtime(e.resolve("times/old-dir"))).isEqualTo(EdgeCases.PRE_1970);
        assertThat(mtime(e.resolve("special/fifo")).getNano()).isNotZero();
        assertThat(mtime(e.resolve("links/dangling")).getNano()).isNotZero();
        for (int uid : new int[] {70, 1000, 1021, 1023, 10001}) {
            Path f = e.resolve("owners/uid-" + uid);
            assertThat(summary.intendedOwners()).containsEntry("edge/owners/uid-" + uid, new KaapanaCorpus.Owner(uid, uid));
            if (KaapanaCorpus.runningAsRoot()) {
                assertThat(Files.getAttribute(f, "unix:uid", NOFOLLOW)).isEqualTo(uid);
                assertThat(Files.getAttribute(f, "unix:gid", NOFOLLOW)).isEqualTo(uid);
            }
        }
        if (KaapanaCorpus.runningAsRoot()) {
            assertThat(Files.getAttribute(e.resolve("links/to-link"), "unix:uid", NOFOLLOW)).isEqualTo(1000);
        }
    }

    @Test
    void sparseFileIsReallySparse() throws IOException {
        Path img = tree.resolve("edge/sparse/disk.img");
        assertThat(Files.size(img)).isEqualTo(SPARSE);
        long allocated = SparseCheck.allocatedBytes(img);
        assertThat(allocated).isGreaterThanOrEqualTo(4L << 20).isLessThan(SPARSE / 4);
        assertThat(SparseCheck.isSparse(img)).isTrue();
        assertThat(SparseCheck.isSparse(tree.resolve("version"))).isFalse();
    }

    @Test
    void tinyFilesModeMakesManySmallFilesInThousandsPerDirectory(@TempDir Path dir) throws IOException {
        KaapanaCorpus.Summary s = KaapanaCorpus.builder().seed(7).tinyFiles(2500).build().generate(dir);
        assertThat(s.files()).isEqualTo(2500);
        assertThat(s.directories()).isEqualTo(4); // tiny/ and three below it
        assertThat(s.bytes()).isBetween(2500L * 700, 2500L * 1400);
        try (Stream<Path> st = Files.list(dir.resolve("tiny/d0000"))) {
            assertThat(st.count()).isEqualTo(1000);
        }
        try (Stream<Path> st = Files.list(dir.resolve("tiny/d0002"))) {
            assertThat(st.count()).isEqualTo(500);
        }
    }

    @Test
    void mainPrintsTheSummary(@TempDir Path dir) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int rc = KaapanaCorpus.run(new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), "--seed", "3", "--files", "20",
                dir.resolve("out").toString());
        assertThat(rc).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).startsWith("files=20 dirs=2 ");
        assertThat(err.size()).isZero();
        int bad = KaapanaCorpus.run(new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), "--scale");
        assertThat(bad).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("usage:");
    }

    @Test
    void refusesNonEmptyTargetsAndBadOptions(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("x"), "x");
        assertThatThrownBy(() -> corpus(1).generate(dir)).isInstanceOf(IOException.class).hasMessageContaining("not empty");
        assertThatThrownBy(() -> KaapanaCorpus.builder().scale(0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> KaapanaCorpus.builder().sparseSize(4096)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void touchDatesAreExactBeforeAndAfterTheEpoch() {
        assertThat(Posix.touchDate(Instant.parse("1969-12-31T23:59:59.750Z"))).isEqualTo("@-0.250000000");
        assertThat(Posix.touchDate(Instant.ofEpochSecond(-5))).isEqualTo("@-5");
        assertThat(Posix.touchDate(EdgeCases.POST_2038)).isEqualTo("@4102444800.123456789");
    }

    private static int mode(Path p) throws IOException {
        return (Integer) Files.getAttribute(p, "unix:mode", NOFOLLOW) & 07777;
    }

    private static Instant mtime(Path p) throws IOException {
        return Files.getLastModifiedTime(p, NOFOLLOW).toInstant();
    }
}

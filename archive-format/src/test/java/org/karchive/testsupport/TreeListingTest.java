package org.karchive.testsupport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TreeListingTest {
    @TempDir
    static Path shared;
    static Path a;
    @TempDir
    Path dir;
    Path b;

    private static KaapanaCorpus corpus() {
        return KaapanaCorpus.builder().seed(5).kaapanaTree(false).edgeCases(true).sparseSize(2L << 20).build();
    }

    /** The reference tree, shared and never modified. */
    @BeforeAll
    static void reference() throws IOException {
        a = shared.resolve("a");
        corpus().generate(a);
        try (var s = Files.list(a)) {
            assertThat(s.map(p -> p.getFileName().toString()).toList()).containsExactly("edge");
        }
    }

    /** A second tree from the same seed, for one test to mutate. */
    @BeforeEach
    void copy() throws IOException {
        b = dir.resolve("b");
        corpus().generate(b);
        assertThat(TreeListing.of(a).diff(TreeListing.of(b))).isEmpty();
    }

    private List<String> diff() throws IOException {
        return TreeListing.of(a).diff(TreeListing.of(b));
    }

    /** Keeps a file's mtime across a change, so only the intended attribute differs. */
    private static void keepingMtime(Path p, IoAction action) throws IOException {
        FileTime t = Files.getLastModifiedTime(p, LinkOption.NOFOLLOW_LINKS);
        action.run();
        Files.setLastModifiedTime(p, t);
    }

    interface IoAction {
        void run() throws IOException;
    }

    @Test
    void detectsAChangedMode() throws IOException {
        Posix.chmod(b.resolve("edge/links/target.txt"), 0600);
        assertThat(diff()).containsExactly(
                TreeListing.of(a).get("edge/links/target.txt").line(KaapanaCorpus.runningAsRoot()).transform(s -> "- " + s),
                TreeListing.of(b).get("edge/links/target.txt").line(KaapanaCorpus.runningAsRoot()).transform(s -> "+ " + s));
        assertThat(diff().get(1)).contains("\tfile\t0600\t");
    }

    @Test
    void detectsAChangedMtimeByOneNanosecond() throws IOException {
        Path f = b.resolve("edge/times/nanos");
        Instant t = Files.getLastModifiedTime(f).toInstant();
        Files.setLastModifiedTime(f, FileTime.from(t.plusNanos(1)));
        assertThat(diff()).hasSize(2).allMatch(l -> l.startsWith("- edge/times/nanos\t") || l.startsWith("+ edge/times/nanos\t"));
    }

    @Test
    void detectsAChangedByte() throws IOException {
        Path f = b.resolve("edge/hardlinks/triple-1");
        keepingMtime(f, () -> {
            try (RandomAccessFile raf = new RandomAccessFile(f.toFile(), "rw")) {
                raf.seek(5000);
                int v = raf.read();
                raf.seek(5000);
                raf.write(v ^ 1);
            }
        });
        // all three names of the inode show the new content
        assertThat(diff()).hasSize(6).allMatch(l -> l.contains("sha256:"));
    }

    @Test
    void detectsAChangedSymlinkTarget() throws IOException {
        Path l = b.resolve("edge/links/relative");
        Path parent = l.getParent();
        FileTime pt = Files.getLastModifiedTime(parent);
        FileTime lt = Files.getLastModifiedTime(l, LinkOption.NOFOLLOW_LINKS);
        Files.delete(l);
        Files.createSymbolicLink(l, Path.of("target.tx_"));
        Posix.setMtime(l, lt.toInstant(), false);
        Files.setLastModifiedTime(parent, pt);
        assertThat(diff()).containsExactly("- edge/links/relative\tsymlink\t0777\t" + owner(l)
                + "\t10\t" + TreeListing.nanos(lt) + "\t-> target.txt\t-", "+ edge/links/relative\tsymlink\t0777\t"
                + owner(l) + "\t10\t" + TreeListing.nanos(lt) + "\t-> target.tx_\t-");
    }

    private static String owner(Path p) {
        return KaapanaCorpus.runningAsRoot() ? "0:0" : "-";
    }

    @Test
    void detectsASymlinkMtimeWithoutFollowingIt() throws IOException {
        Path l = b.resolve("edge/links/to-dir");
        Posix.setMtime(l, Instant.parse("2030-01-01T00:00:00.000000001Z"), false);
        assertThat(diff()).hasSize(2).allMatch(x -> x.contains("edge/links/to-dir\tsymlink"));
        // the linked directory's children are not listed under the link
        assertThat(TreeListing.of(a).entries()).noneMatch(e -> e.path().startsWith("edge/links/to-dir/"));
    }

    @Test
    void hardLinkGroupsCompareEqualAcrossTreesAndBrokenLinksDiffer() throws IOException {
        TreeListing la = TreeListing.of(a);
        TreeListing.Entry e = la.get("edge/hardlinks/triple-3");
        assertThat(e.linkGroup()).isEqualTo("edge/hardlinks/sub/triple-2");
        assertThat(la.get("edge/hardlinks/pair-b").linkGroup()).isEqualTo("edge/hardlinks/pair-a");
        assertThat(la.get("edge/links/target.txt").linkGroup()).isNull();
        long inoA = (Long) Files.getAttribute(a.resolve("edge/hardlinks/pair-a"), "unix:ino");
        long inoB = (Long) Files.getAttribute(b.resolve("edge/hardlinks/pair-a"), "unix:ino");
        assertThat(inoA).isNotEqualTo(inoB);
        assertThat(la.diff(TreeListing.of(b))).isEmpty();

        // replace one link by an identical copy: same content, mode and mtime, but no longer linked
        Path pairB = b.resolve("edge/hardlinks/pair-b");
        FileTime t = Files.getLastModifiedTime(pairB);
        FileTime parent = Files.getLastModifiedTime(pairB.getParent());
        byte[] bytes = Files.readAllBytes(pairB);
        Files.delete(pairB);
        Files.write(pairB, bytes);
        Posix.chmod(pairB, 0644);
        Files.setLastModifiedTime(pairB, t);
        Files.setLastModifiedTime(pairB.getParent(), parent);
        assertThat(diff()).hasSize(4).anyMatch(l -> l.startsWith("- edge/hardlinks/pair-a\t") && l.endsWith("link:edge/hardlinks/pair-a"))
                .anyMatch(l -> l.startsWith("+ edge/hardlinks/pair-b\t") && l.endsWith("\t-"));
    }

    @Test
    void linesAreSortedByUtf8BytesAndEscaped() throws IOException {
        TreeListing l = TreeListing.of(a, Path.of("edge/names"));
        List<String> paths = l.entries().stream().map(TreeListing.Entry::path).toList();
        assertThat(paths.get(0)).isEqualTo("edge/names");
        assertThat(paths).isSortedAccordingTo(TreeListing::compareBytes);
        // "with space" (0x77) sorts before "Ü" (0xC3) and the newline name (0x6E) before both
        assertThat(paths.indexOf("edge/names/new\nline\\back.txt")).isLessThan(paths.indexOf("edge/names/with space.txt"));
        assertThat(paths.indexOf("edge/names/with space.txt")).isLessThan(paths.indexOf("edge/names/" + EdgeCases.UNICODE_NAME));
        assertThat(l.lines()).anyMatch(s -> s.startsWith("edge/names/new\\nline\\\\back.txt\tfile\t0644\t"));
        assertThat(l.lines()).allMatch(s -> !s.contains("\n") && s.split("\t").length == 8);
        assertThat(TreeListing.of(a).lines()).containsAll(l.lines());
    }

    @Test
    void listsTypesModesTimesAndSpecialFilesAsAsked() throws IOException {
        TreeListing l = TreeListing.of(a);
        assertThat(l.get("edge/special/fifo").type()).isEqualTo(TreeListing.Type.OTHER);
        assertThat(l.get("edge/modes/setgid").mode()).isEqualTo(02775);
        assertThat(l.get("edge/modes/sticky").size()).isEqualTo(-1);
        assertThat(l.get("edge/times/pre-1970").mtimeNanos()).isEqualTo(-14182939876543211L);
        assertThat(l.get("edge/times/post-2038").mtimeNanos()).isEqualTo(4102444800123456789L);
        assertThat(l.get("edge/links/absolute").target()).isEqualTo(EdgeCases.ABSOLUTE_TARGET);
        assertThat(l.get("edge/zero/empty.txt").sha256())
                .isEqualTo("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
        TreeListing noSpecial = TreeListing.of(a, null, TreeListing.Options.defaults().withSpecialFiles(false));
        assertThat(noSpecial.get("edge/special/fifo")).isNull();
        assertThat(noSpecial.entries()).hasSize(l.entries().size() - 1);
        TreeListing noOwners = TreeListing.of(a, null, new TreeListing.Options(false, true));
        assertThat(noOwners.lines()).allMatch(s -> s.split("\t")[3].equals("-"));
        assertThatThrownBy(() -> TreeListing.of(a, Path.of("../b"))).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void ownersAreComparedWhenRoot() throws IOException {
        org.junit.jupiter.api.Assumptions.assumeTrue(KaapanaCorpus.runningAsRoot(), "chown needs root");
        Posix.chown(b.resolve("edge/owners/uid-1021"), 1021, 1022);
        List<String> d = diff();
        assertThat(d).containsExactly(
                TreeListing.of(a).get("edge/owners/uid-1021").line(true).transform(s -> "- " + s),
                TreeListing.of(b).get("edge/owners/uid-1021").line(true).transform(s -> "+ " + s));
        assertThat(d.get(1)).contains("\t1021:1022\t");
        TreeListing la = TreeListing.of(a, null, new TreeListing.Options(false, true));
        assertThat(la.diff(TreeListing.of(b))).isEmpty();
    }
}

package org.karchive.testsupport;

import static org.karchive.testsupport.KaapanaCorpus.Owner;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Path;
import java.time.Instant;

/** The {@code edge/} folder: every filesystem feature a faithful backup must handle or skip. */
final class EdgeCases {
    static final String DIR = "edge";
    static final Instant PRE_1970 = Instant.parse("1969-07-20T20:17:40.123456789Z");
    static final Instant POST_2038 = Instant.parse("2100-01-01T00:00:00.123456789Z");
    static final String UNICODE_NAME = "Ünïcødé ✓ 患者.dcm";
    static final String NEWLINE_NAME = "new\nline\\back.txt";
    /** Absolute and deliberately absent, so a restore that wrongly follows links cannot harm the host. */
    static final String ABSOLUTE_TARGET = "/nonexistent/karchive-corpus/absolute-target";

    private final TreeWriter w;
    private final Xorshift r;
    private final long sparseSize;

    EdgeCases(TreeWriter w, Xorshift r, long sparseSize) {
        this.w = w;
        this.r = r;
        this.sparseSize = sparseSize;
    }

    /** A 255-byte ASCII name and a 255-byte name of two-byte UTF-8 characters. */
    static String name255Ascii() {
        return "n".repeat(251) + ".dat";
    }

    static String name255Utf8() {
        return "ü".repeat(127) + "x";
    }

    void generate() throws IOException {
        Owner root = Owner.ROOT;
        String e = DIR;
        w.dir(e, root, 0755);
        // empty directories and zero-byte files
        w.dir(e + "/empty", root, 0755);
        w.dir(e + "/empty-nested/a/b/c", root, 0755);
        w.dir(e + "/zero", root, 0755);
        w.empty(e + "/zero/empty.txt", root, 0644);
        w.empty(e + "/zero/.hidden", root, 0600);
        // symlinks
        w.dir(e + "/links", root, 0755);
        w.text(e + "/links/target.txt", root, 0644, "symlink target\n");
        w.symlink(e + "/links/relative", "target.txt", root);
        w.symlink(e + "/links/absolute", ABSOLUTE_TARGET, root);
        w.symlink(e + "/links/dangling", "does/not/exist", root);
        w.symlink(e + "/links/to-dir", "../empty-nested", root);
        w.symlink(e + "/links/to-link", "relative", Owner.OPENSEARCH);
        // hard links: a pair and a triple across directories
        w.dir(e + "/hardlinks/sub", root, 0755);
        w.text(e + "/hardlinks/pair-a", root, 0644, "hard link pair\n");
        w.hardlink(e + "/hardlinks/pair-b", e + "/hardlinks/pair-a");
        w.file(e + "/hardlinks/triple-1", Owner.WILDFLY, 0640, 10_000, TreeWriter.random(r));
        w.hardlink(e + "/hardlinks/sub/triple-2", e + "/hardlinks/triple-1");
        w.hardlink(e + "/hardlinks/triple-3", e + "/hardlinks/triple-1");
        // sparse file
        w.dir(e + "/sparse", root, 0755);
        sparse(e + "/sparse/disk.img");
        // FIFO: an archiver must skip it with a warning
        w.dir(e + "/special", root, 0755);
        w.fifo(e + "/special/fifo", root, 0644);
        // names
        w.dir(e + "/names", root, 0755);
        w.text(e + "/names/with space.txt", root, 0644, "spaces\n");
        w.text(e + "/names/" + UNICODE_NAME, root, 0644, "utf-8 name\n");
        w.text(e + "/names/" + name255Ascii(), root, 0644, "255-byte name\n");
        w.text(e + "/names/" + name255Utf8(), root, 0644, "255-byte utf-8 name\n");
        w.text(e + "/names/" + NEWLINE_NAME, root, 0644, "newline and backslash\n");
        w.text(e + "/names/-leading-dash", root, 0644, "dash\n");
        String longDir = e + "/long/" + "d".repeat(60);
        w.dir(longDir, root, 0755);
        w.text(longDir + "/" + "f".repeat(40) + ".txt", root, 0644, "path over 100 bytes\n");
        String deep = e + "/long";
        for (int i = 0; i < 5; i++) {
            deep += "/" + (char) ('a' + i) + "-" + "x".repeat(58);
        }
        w.dir(deep, root, 0755);
        w.text(deep + "/" + "g".repeat(80) + ".txt", root, 0644, "path over 255 bytes\n");
        // modes
        w.dir(e + "/modes", root, 0755);
        w.dir(e + "/modes/sticky", root, 01777);
        w.dir(e + "/modes/open", root, 0777);
        w.dir(e + "/modes/setgid", root, 02775);
        w.text(e + "/modes/setgid/inside.txt", root, 0664, "in a setgid dir\n");
        w.dir(e + "/modes/readonly", root, 0555);
        w.text(e + "/modes/readonly/file.txt", root, 0444, "in a read-only dir\n");
        w.text(e + "/modes/no-permissions", root, 0000, "mode 0000\n");
        w.text(e + "/modes/executable.sh", root, 0755, "#!/bin/sh\necho hello\n");
        // owners (chowned as root, recorded otherwise)
        w.dir(e + "/owners", root, 0755);
        for (Owner o : new Owner[] {Owner.POSTGRES, Owner.OPENSEARCH, Owner.LDAP, Owner.WILDFLY, Owner.LOKI}) {
            w.text(e + "/owners/uid-" + o.uid(), o, 0640, "owned by " + o.uid() + "\n");
        }
        w.dir(e + "/owners/dir-1023", Owner.WILDFLY, 0750);
        w.text(e + "/owners/dir-1023/file", Owner.WILDFLY, 0640, "in a 1023 dir\n");
        // times
        w.dir(e + "/times", root, 0755);
        w.text(e + "/times/nanos", root, 0644, "nanosecond mtime\n");
        w.bytes(e + "/times/pre-1970", root, 0644, "before the epoch\n".getBytes(), PRE_1970);
        w.bytes(e + "/times/post-2038", root, 0644, "after 2038\n".getBytes(), POST_2038);
        w.dir(e + "/times/old-dir", root, 0755, PRE_1970);
    }

    /** {@code sparseSize} apparent bytes, with four random extents totalling min(4 MiB, size/8). */
    private void sparse(String rel) throws IOException {
        Path p = w.path(rel);
        long data = Math.min(4L << 20, sparseSize / 8);
        int piece = (int) Math.max(1, data / 4);
        byte[] bytes = new byte[piece];
        try (RandomAccessFile f = new RandomAccessFile(p.toFile(), "rw")) {
            f.setLength(sparseSize);
            for (int i = 0; i < 4; i++) {
                long off = (sparseSize * (2L * i + 1) / 8) & ~0xFFFFL;
                r.fill(bytes, 0, piece);
                f.seek(off);
                f.write(bytes);
            }
        }
        w.finishFile(p, Owner.ROOT, 0644, sparseSize, null);
    }
}

package org.karchive.testsupport;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;

/** Disk usage of a file, which Java cannot see: asks {@code stat(1)} for its allocated blocks. */
public final class SparseCheck {
    private SparseCheck() {}

    /** Bytes actually allocated to {@code file} (st_blocks times the block unit), never following a link. */
    public static long allocatedBytes(Path file) throws IOException {
        String out = Posix.run("stat", "-c", "%b %B", "--", file.toString()).strip();
        String[] parts = out.split(" ");
        if (parts.length != 2) {
            throw new IOException("unexpected stat output for " + file + ": " + out);
        }
        try {
            return Math.multiplyExact(Long.parseLong(parts[0]), Long.parseLong(parts[1]));
        } catch (NumberFormatException e) {
            throw new IOException("unexpected stat output for " + file + ": " + out, e);
        }
    }

    /** True if fewer bytes are allocated than the file's apparent size. */
    public static boolean isSparse(Path file) throws IOException {
        return allocatedBytes(file) < Files.size(file) && !Files.isSymbolicLink(file)
                && Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS);
    }
}

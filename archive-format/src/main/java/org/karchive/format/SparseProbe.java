package org.karchive.format;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Finds the data segments of a sparse file with lseek(SEEK_DATA/SEEK_HOLE) (see {@link LibC}), so
 * holes are never read. Where libc is unavailable every file is treated as dense.
 */
final class SparseProbe {
    /** Files smaller than this are never treated as sparse. */
    static final long MIN_SIZE = 64 * 1024;
    /** At least this many hole bytes make a file worth storing sparse. */
    static final long MIN_HOLES = 64 * 1024;

    private SparseProbe() {
    }

    /**
     * Data segments {offset, length} of a sparse file, ending with a zero-length segment at the
     * size when the file ends in a hole; or null when the file is dense (or cannot be probed).
     */
    static List<long[]> segments(Path file, long size) {
        if (LibC.get() == null || size < MIN_SIZE) {
            return null;
        }
        int fd = LibC.get().open(file.toString(), LibC.O_RDONLY | LibC.O_CLOEXEC);
        if (fd < 0) {
            return null;
        }
        try {
            List<long[]> segs = new ArrayList<>();
            long pos = 0;
            long data = 0;
            while (pos < size) {
                long d = LibC.get().lseek(fd, pos, LibC.SEEK_DATA);
                if (d < 0 || d >= size) {
                    break;
                }
                long h = LibC.get().lseek(fd, d, LibC.SEEK_HOLE);
                if (h < 0 || h > size) {
                    h = size;
                }
                if (h <= d) {
                    return null;
                }
                segs.add(new long[] {d, h - d});
                data += h - d;
                pos = h;
            }
            if (size - data < MIN_HOLES) {
                return null;
            }
            long end = segs.isEmpty() ? 0 : segs.get(segs.size() - 1)[0] + segs.get(segs.size() - 1)[1];
            if (end < size) {
                segs.add(new long[] {size, 0});
            }
            return segs;
        } finally {
            LibC.get().close(fd);
        }
    }
}

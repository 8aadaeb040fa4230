package org.karchive.format;

import com.sun.jna.Library;
import com.sun.jna.Native;
import java.util.Map;

/**
 * The few libc calls the JDK does not offer: lseek(SEEK_DATA/SEEK_HOLE) to find holes, and
 * utimensat(AT_SYMLINK_NOFOLLOW) to give symlinks nanosecond mtimes. Linux only; {@link #get()}
 * is null elsewhere or when libc cannot be loaded, and callers then fall back.
 */
final class LibC {
    static final int O_RDONLY = 0;
    static final int O_CLOEXEC = 02000000;
    static final int SEEK_DATA = 3;
    static final int SEEK_HOLE = 4;
    static final int AT_FDCWD = -100;
    static final int AT_SYMLINK_NOFOLLOW = 0x100;
    static final long UTIME_OMIT = (1L << 30) - 2L;

    interface Api extends Library {
        int open(String path, int flags);

        long lseek(int fd, long offset, int whence);

        int close(int fd);

        int utimensat(int dirfd, String path, long[] times, int flags);
    }

    private static final Api API = load();

    private LibC() {
    }

    private static Api load() {
        if (!System.getProperty("os.name", "").toLowerCase().contains("linux")) {
            return null;
        }
        try {
            return Native.load("c", Api.class, Map.of(Library.OPTION_STRING_ENCODING, "UTF-8"));
        } catch (Throwable t) {
            return null;
        }
    }

    static Api get() {
        return API;
    }

    /** Sets the mtime of a path itself (not a symlink's target) with nanoseconds; false if unsupported. */
    static boolean setMtimeNoFollow(String path, long mtimeNs) {
        if (API == null) {
            return false;
        }
        long[] t = {0, UTIME_OMIT, Math.floorDiv(mtimeNs, 1_000_000_000L), Math.floorMod(mtimeNs, 1_000_000_000L)};
        return API.utimensat(AT_FDCWD, path, t, AT_SYMLINK_NOFOLLOW) == 0;
    }
}

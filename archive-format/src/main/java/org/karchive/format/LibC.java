package org.karchive.format;

import com.sun.jna.LastErrorException;
import com.sun.jna.Native;

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

    interface Api {
        int open(String path, int flags);

        long lseek(int fd, long offset, int whence);

        int close(int fd);

        int utimensat(int dirfd, String path, long[] times, int flags);

        int openat(int dirfd, String path, int flags, int mode) throws LastErrorException;

        int mkdirat(int dirfd, String path, int mode) throws LastErrorException;

        int unlinkat(int dirfd, String path, int flags) throws LastErrorException;
    }

    static final int ENOENT = 2;
    static final int EEXIST = 17;
    static final int ENOTDIR = 20;
    static final int ELOOP = 40;
    static final int AT_REMOVEDIR = 0x200;
    private static final boolean ARM = System.getProperty("os.arch", "").startsWith("aarch64")
            || System.getProperty("os.arch", "").startsWith("arm");
    /** O_DIRECTORY and O_NOFOLLOW differ between x86 and arm Linux. */
    static final int O_DIRECTORY = ARM ? 040000 : 0200000;
    static final int O_NOFOLLOW = ARM ? 0100000 : 0400000;

    /** Whether the fd-relative calls are usable (Linux on x86-64 or arm64, libc loaded, /proc mounted). */
    static boolean fdRelative() {
        String arch = System.getProperty("os.arch", "");
        return API != null && (arch.equals("amd64") || arch.equals("x86_64") || arch.equals("aarch64"))
                && java.nio.file.Files.isDirectory(java.nio.file.Path.of("/proc/self/fd"));
    }

    private static final Api API = load();

    private LibC() {
    }

    private static Api load() {
        if (!System.getProperty("os.name", "").toLowerCase().contains("linux")) {
            return null;
        }
        try {
            Native.register(Direct.class, com.sun.jna.NativeLibrary.getInstance("c"));
            return new DirectApi();
        } catch (Throwable t) {
            return null;
        }
    }

    /**
     * JNA direct mapping (static natives bound once): several times cheaper per call than an
     * interface proxy, which matters at a few calls per restored file. Paths go as NUL-terminated
     * UTF-8 bytes.
     */
    static final class Direct {
        static native int open(byte[] path, int flags);

        static native long lseek(int fd, long offset, int whence);

        static native int close(int fd);

        static native int utimensat(int dirfd, byte[] path, long[] times, int flags);

        static native int openat(int dirfd, byte[] path, int flags, int mode) throws LastErrorException;

        static native int mkdirat(int dirfd, byte[] path, int mode) throws LastErrorException;

        static native int unlinkat(int dirfd, byte[] path, int flags) throws LastErrorException;

        private Direct() {
        }
    }

    private static byte[] c(String s) {
        byte[] b = s.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        return java.util.Arrays.copyOf(b, b.length + 1);
    }

    /** {@link Api} over the direct mapping. */
    private static final class DirectApi implements Api {
        @Override
        public int open(String path, int flags) {
            return Direct.open(c(path), flags);
        }

        @Override
        public long lseek(int fd, long offset, int whence) {
            return Direct.lseek(fd, offset, whence);
        }

        @Override
        public int close(int fd) {
            return Direct.close(fd);
        }

        @Override
        public int utimensat(int dirfd, String path, long[] times, int flags) {
            return Direct.utimensat(dirfd, c(path), times, flags);
        }

        @Override
        public int openat(int dirfd, String path, int flags, int mode) {
            return Direct.openat(dirfd, c(path), flags, mode);
        }

        @Override
        public int mkdirat(int dirfd, String path, int mode) {
            return Direct.mkdirat(dirfd, c(path), mode);
        }

        @Override
        public int unlinkat(int dirfd, String path, int flags) {
            return Direct.unlinkat(dirfd, c(path), flags);
        }
    }

    static Api get() {
        return API;
    }

    /** Sets the mtime of {@code name} in directory {@code dirfd} itself, never through a symlink. */
    static boolean setMtimeAt(int dirfd, String name, long mtimeNs) {
        if (API == null) {
            return false;
        }
        long[] t = {0, UTIME_OMIT, Math.floorDiv(mtimeNs, 1_000_000_000L), Math.floorMod(mtimeNs, 1_000_000_000L)};
        return API.utimensat(dirfd, name, t, AT_SYMLINK_NOFOLLOW) == 0;
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

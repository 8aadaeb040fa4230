package org.karchive.format;

import java.nio.file.Path;

/**
 * One thing found by the walk, with the attributes read by lstat.
 *
 * @param file  where it is on disk
 * @param path  its stored path: the absolute path without the leading '/'
 * @param kind  FILE, DIR or SYMLINK; {@code null} for sockets, FIFOs and devices (never archived)
 */
public record SourceEntry(Path file, String path, EntryType kind, long size, int mode, long uid, long gid,
                          long mtimeNs, long ino, long dev, long nlink, long ctimeNs) {
}

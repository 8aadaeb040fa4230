package org.karchive.format;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;

/**
 * One entry of a snapshot: a file, directory, symlink or hard link, where its tar entry lives, and
 * the SHA-256 of a file's content. See docs/FORMAT.md for the field-by-field specification.
 *
 * @param path    relative path (no leading '/'), UTF-8, components separated by '/'
 * @param size    content size in bytes (files), 0 otherwise
 * @param mode    permission bits including setuid/setgid/sticky (07777), no file-type bits
 * @param mtime   modification time in nanoseconds since the epoch
 * @param sha256  lower-case hex SHA-256 of the content (files only)
 * @param link    symlink target, or the path a hard link points to
 * @param chunk   key of the chunk (relative to the repository) holding the tar entry
 * @param frame   index of the zstd frame in which the entry's first header byte lies
 * @param offset  offset of that byte in the frame's decompressed data
 * @param ino     inode number at archive time (change detection only)
 * @param ctime   status-change time in ns at archive time (change detection only)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({"path", "type", "size", "mode", "uid", "gid", "user", "group", "mtime", "sha256", "link",
    "sparse", "chunk", "frame", "offset", "ino", "ctime"})
public record ManifestRecord(
        @JsonProperty("path") String path,
        @JsonProperty("type") EntryType type,
        @JsonProperty("size") long size,
        @JsonProperty("mode") int mode,
        @JsonProperty("uid") long uid,
        @JsonProperty("gid") long gid,
        @JsonProperty("user") String user,
        @JsonProperty("group") String group,
        @JsonProperty("mtime") long mtime,
        @JsonProperty("sha256") String sha256,
        @JsonProperty("link") String link,
        @JsonProperty("sparse") Boolean sparse,
        @JsonProperty("chunk") String chunk,
        @JsonProperty("frame") int frame,
        @JsonProperty("offset") long offset,
        @JsonProperty("ino") long ino,
        @JsonProperty("ctime") long ctime) {

    public ManifestRecord {
        if (path == null || type == null) {
            throw new IllegalArgumentException("manifest record needs path and type");
        }
        if (size < 0 || frame < 0 || offset < 0 || uid < 0 || gid < 0) {
            throw new IllegalArgumentException("negative number in manifest record for " + path);
        }
        if ((mode & ~07777) != 0) {
            throw new IllegalArgumentException("mode out of range for " + path);
        }
        if (type == EntryType.FILE && (sha256 == null || sha256.length() != 64)) {
            throw new IllegalArgumentException("file record without sha256: " + path);
        }
        if ((type == EntryType.SYMLINK || type == EntryType.HARDLINK) && (link == null || link.isEmpty())) {
            throw new IllegalArgumentException("link record without target: " + path);
        }
        if (type != EntryType.FILE && size != 0) {
            throw new IllegalArgumentException("non-file record with a size: " + path);
        }
    }

    /** Same record, pointing at a different chunk location (used by incremental snapshots). */
    public ManifestRecord withLocation(String chunk, int frame, long offset) {
        return new ManifestRecord(path, type, size, mode, uid, gid, user, group, mtime, sha256, link, sparse,
                chunk, frame, offset, ino, ctime);
    }

    public boolean isSparse() {
        return Boolean.TRUE.equals(sparse);
    }
}

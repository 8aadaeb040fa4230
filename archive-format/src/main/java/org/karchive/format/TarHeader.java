package org.karchive.format;

import java.util.List;

/**
 * What the tar writer needs to know about one entry.
 *
 * @param dataSize bytes of content that follow the header (the file size, or for a sparse file
 *                 the stored data only)
 * @param sparse   data segments of a sparse file (offset, length pairs) or null
 */
record TarHeader(String path, EntryType type, int mode, long uid, long gid, String user, String group,
                 long mtimeNs, String link, long dataSize, List<long[]> sparse, long realSize) {
}

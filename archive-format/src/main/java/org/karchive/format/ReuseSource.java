package org.karchive.format;

import java.io.IOException;

/**
 * The records of an earlier snapshot (or of an interrupted run), in path order, offered to the
 * archiver so unchanged files are not read again. Consumed as a streaming merge against the walk:
 * memory does not grow with the number of files.
 */
public interface ReuseSource {

    /** The next record in path order, or null at the end. */
    ManifestRecord next() throws IOException;

    /** A source with nothing in it (full archive). */
    ReuseSource NONE = () -> null;

    /** Merges a source against ascending lookups. */
    final class Cursor {
        private final ReuseSource source;
        private ManifestRecord head;
        private boolean started;

        public Cursor(ReuseSource source) {
            this.source = source;
        }

        /**
         * The earlier record of {@code path}, if any. Lookups must come in ascending path order;
         * records before {@code path} are dropped.
         */
        public ManifestRecord find(String path) throws IOException {
            if (!started) {
                head = source.next();
                started = true;
            }
            while (head != null && PathOrder.compare(head.path(), path) < 0) {
                head = source.next();
            }
            if (head != null && head.path().equals(path)) {
                return head;
            }
            return null;
        }
    }

    /** True when a walked file matches an earlier record closely enough to keep its content. */
    static boolean unchanged(SourceEntry e, ManifestRecord r) {
        return r.type() == EntryType.FILE && e.kind() == EntryType.FILE && r.size() == e.size()
                && r.mtime() == e.mtimeNs() && r.ino() == e.ino() && r.ctime() == e.ctimeNs();
    }
}

package org.karchive.format;

import com.github.luben.zstd.ZstdInputStream;
import java.io.BufferedInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * Opens the decompressed tar stream of a chunk, from its start or from any frame (using the seek
 * table and range reads). The zstd window is capped so a hostile frame cannot demand gigabytes.
 */
public final class ChunkReader {
    /** Largest accepted zstd window: 2^27 = 128 MiB (zstd's own default limit). */
    public static final int WINDOW_LOG_MAX = 27;

    private ChunkReader() {
    }

    /** The whole tar stream of a chunk (the trailing seek table is a skippable frame). */
    public static InputStream open(ChunkSource source, String key) throws IOException {
        return decompress(source.open(key, 0, -1), key);
    }

    /** Reads and parses a chunk's seek table; {@code storedSize} is the object size from the index. */
    public static SeekTable seekTable(ChunkSource source, String key, long storedSize) throws IOException {
        if (storedSize < SeekTable.FOOTER_SIZE + 8) {
            throw new FormatException("chunk " + key + " is too small to hold a seek table");
        }
        try {
            byte[] footer;
            try (InputStream in = source.open(key, storedSize - SeekTable.FOOTER_SIZE, SeekTable.FOOTER_SIZE)) {
                footer = in.readNBytes(SeekTable.FOOTER_SIZE);
            }
            int n = SeekTable.frameCount(footer);
            boolean checksums = (footer[4] & 0x80) != 0;
            int len = SeekTable.encodedSize(n, checksums);
            if (len > storedSize) {
                throw new FormatException("seek table larger than the chunk");
            }
            byte[] table;
            try (InputStream in = source.open(key, storedSize - len, len)) {
                table = in.readNBytes(len);
            }
            SeekTable t = SeekTable.decode(table);
            if (t.totalCompressed() + len != storedSize) {
                throw new FormatException("seek table does not add up to the chunk size");
            }
            return t;
        } catch (FormatException e) {
            throw e.getMessage().startsWith("chunk ") ? e
                    : new FormatException("chunk " + key + ": " + e.getMessage(), e);
        }
    }

    /**
     * The tar stream of a chunk starting at frame {@code frame}. The frames are fetched with range
     * reads that start at one frame and double (up to {@link #MAX_RANGE_FRAMES}), so a reader
     * that needs one entry fetches only the frames holding it, and one that reads on makes few
     * requests.
     */
    public static InputStream openAt(ChunkSource source, String key, SeekTable table, int frame) throws IOException {
        if (frame < 0 || frame >= table.frames().size()) {
            throw new FormatException("chunk " + key + " has no frame " + frame);
        }
        return decompress(new FrameRanges(source, key, table, frame), key);
    }

    /**
     * The tar stream of a chunk from frame {@code frame}, given the chunk's stored bytes from its
     * very start (for sources that can only stream, such as encrypted chunks). The frames before
     * {@code frame} are skipped by their zstd frame and block headers, without decompressing them;
     * skippable frames are passed over and not counted.
     */
    public static InputStream openFromStart(InputStream chunk, String key, int frame) throws IOException {
        if (frame < 0) {
            throw new FormatException("chunk " + key + " has no frame " + frame);
        }
        InputStream in = new BufferedInputStream(chunk, 1 << 16);
        try {
            int skipped = 0;
            while (skipped < frame) {
                if (skipFrame(in, key, frame)) {
                    skipped++;
                }
            }
        } catch (IOException | RuntimeException e) {
            in.close();
            throw e;
        }
        return decompress(in, key);
    }

    /** zstd frame magic (RFC 8878 3.1.1). */
    private static final int ZSTD_MAGIC = 0xFD2FB528;
    /** Largest block a zstd frame may hold (RFC 8878 3.1.1.2.4). */
    private static final int MAX_BLOCK = 128 << 10;

    /** Skips one frame; true for a data frame, false for a skippable one. */
    private static boolean skipFrame(InputStream in, String key, int wanted) throws IOException {
        byte[] magic = in.readNBytes(4);
        if (magic.length == 0) {
            throw new FormatException("chunk " + key + " has no frame " + wanted);
        }
        if (magic.length < 4) {
            throw new FormatException("chunk " + key + " ends inside a frame header");
        }
        int m = (magic[0] & 0xff) | (magic[1] & 0xff) << 8 | (magic[2] & 0xff) << 16 | (magic[3] & 0xff) << 24;
        if ((m & 0xFFFFFFF0) == 0x184D2A50) {
            long size = Integer.toUnsignedLong(readLe(in, 4, key));
            skip(in, size, key);
            return false;
        }
        if (m != ZSTD_MAGIC) {
            throw new FormatException("chunk " + key + " is damaged: no zstd frame where one should start");
        }
        int fhd = readLe(in, 1, key);
        if ((fhd & 0x08) != 0) {
            throw new FormatException("chunk " + key + " is damaged: reserved bit set in a zstd frame header");
        }
        int fcsFlag = fhd >>> 6;
        boolean singleSegment = (fhd & 0x20) != 0;
        boolean checksum = (fhd & 0x04) != 0;
        int dictIdSize = new int[] {0, 1, 2, 4}[fhd & 3];
        int fcsSize = fcsFlag == 0 ? (singleSegment ? 1 : 0) : new int[] {0, 2, 4, 8}[fcsFlag];
        skip(in, (singleSegment ? 0 : 1) + dictIdSize + fcsSize, key);
        boolean last;
        do {
            int h = readLe(in, 3, key);
            last = (h & 1) != 0;
            int type = (h >>> 1) & 3;
            int size = h >>> 3;
            if (type == 3 || size > MAX_BLOCK) {
                throw new FormatException("chunk " + key + " is damaged: invalid zstd block header");
            }
            skip(in, type == 1 ? 1 : size, key);
        } while (!last);
        if (checksum) {
            skip(in, 4, key);
        }
        return true;
    }

    private static int readLe(InputStream in, int n, String key) throws IOException {
        byte[] b = in.readNBytes(n);
        if (b.length < n) {
            throw new FormatException("chunk " + key + " ends inside a frame");
        }
        int v = 0;
        for (int i = n - 1; i >= 0; i--) {
            v = v << 8 | (b[i] & 0xff);
        }
        return v;
    }

    private static void skip(InputStream in, long n, String key) throws IOException {
        try {
            in.skipNBytes(n);
        } catch (java.io.EOFException e) {
            throw new FormatException("chunk " + key + " ends inside a frame");
        }
    }

    /** Most frames fetched by one range read of {@link #openAt}. */
    static final int MAX_RANGE_FRAMES = 16;

    /** The compressed bytes of frames {@code first..end}, fetched in growing ranges on demand. */
    private static final class FrameRanges extends InputStream {
        private final ChunkSource source;
        private final String key;
        private final SeekTable table;
        private int next;
        private int window = 1;
        private InputStream current;

        FrameRanges(ChunkSource source, String key, SeekTable table, int first) {
            this.source = source;
            this.key = key;
            this.table = table;
            this.next = first;
        }

        private boolean advance() throws IOException {
            if (current != null) {
                current.close();
                current = null;
            }
            int n = table.frames().size();
            if (next >= n) {
                return false;
            }
            int end = Math.min(n, next + window);
            long start = table.compressedOffset(next);
            current = source.open(key, start, table.compressedOffset(end) - start);
            next = end;
            window = Math.min(window * 2, MAX_RANGE_FRAMES);
            return true;
        }

        @Override
        public int read() throws IOException {
            byte[] b = new byte[1];
            return read(b, 0, 1) < 0 ? -1 : b[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (len == 0) {
                return 0;
            }
            while (true) {
                if (current == null && !advance()) {
                    return -1;
                }
                int r = current.read(b, off, len);
                if (r >= 0) {
                    return r;
                }
                if (!advance()) {
                    return -1;
                }
            }
        }

        @Override
        public void close() throws IOException {
            if (current != null) {
                current.close();
                current = null;
            }
        }
    }

    static InputStream decompress(InputStream raw, String key) throws IOException {
        ZstdInputStream z = new ZstdInputStream(new BufferedInputStream(raw, 1 << 16));
        z.setLongMax(WINDOW_LOG_MAX);
        // buffered above zstd too: the tar reader reads headers in 512-byte pieces
        return new NamedErrors(new BufferedInputStream(z, 1 << 16), key);
    }

    /** Turns decompression failures into {@link FormatException}s that name the chunk. */
    private static final class NamedErrors extends FilterInputStream {
        private final String key;

        NamedErrors(InputStream in, String key) {
            super(in);
            this.key = key;
        }

        @Override
        public int read() throws IOException {
            try {
                return super.read();
            } catch (FormatException e) {
                throw e;
            } catch (IOException e) {
                throw wrap(e);
            }
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            try {
                return super.read(b, off, len);
            } catch (FormatException e) {
                throw e;
            } catch (IOException e) {
                throw wrap(e);
            }
        }

        private IOException wrap(IOException e) {
            if (e.getClass().getName().startsWith("com.github.luben")
                    || String.valueOf(e.getMessage()).toLowerCase().contains("zstd")
                    || String.valueOf(e.getMessage()).contains("Truncated")
                    || String.valueOf(e.getMessage()).contains("checksum")) {
                return new FormatException("chunk " + key + " is damaged: " + e.getMessage(), e);
            }
            return e;
        }
    }
}

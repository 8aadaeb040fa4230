package org.karchive.format;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * The zstd seekable-format seek table: a skippable frame (magic 0x184D2A5E) listing the compressed
 * and decompressed size of every frame, ending in a 9-byte footer (frame count, descriptor,
 * magic 0x8F92EAB1). Stock zstd skips it when decompressing. No per-frame checksums are stored
 * here: every data frame carries its own zstd content checksum.
 */
public record SeekTable(List<Frame> frames) {
    static final int SKIPPABLE_MAGIC = 0x184D2A5E;
    static final int SEEKABLE_MAGIC = 0x8F92EAB1;
    /** Size of the footer at the very end of a chunk. */
    public static final int FOOTER_SIZE = 9;
    /** Upper bound on frames per chunk we accept when reading (a 64 GiB chunk of 4 MiB frames). */
    public static final int MAX_FRAMES = 1 << 16;

    /** One frame: its compressed bytes in the chunk and its decompressed (tar) bytes. */
    public record Frame(long compressedSize, long decompressedSize) {
        public Frame {
            if (compressedSize <= 0 || decompressedSize < 0 || compressedSize > 0xffffffffL
                    || decompressedSize > 0xffffffffL) {
                throw new IllegalArgumentException("frame size out of range");
            }
        }
    }

    public SeekTable {
        frames = List.copyOf(frames);
    }

    /** Encodes the table as one skippable frame. */
    public byte[] encode() {
        int content = frames.size() * 8 + FOOTER_SIZE;
        ByteBuffer b = ByteBuffer.allocate(8 + content).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(SKIPPABLE_MAGIC);
        b.putInt(content);
        for (Frame f : frames) {
            b.putInt((int) f.compressedSize());
            b.putInt((int) f.decompressedSize());
        }
        b.putInt(frames.size());
        b.put((byte) 0);
        b.putInt(SEEKABLE_MAGIC);
        return b.array();
    }

    /** Number of frames named by a footer (the last 9 bytes of a chunk). */
    public static int frameCount(byte[] footer) throws FormatException {
        if (footer.length != FOOTER_SIZE) {
            throw new FormatException("seek table footer must be 9 bytes");
        }
        ByteBuffer b = ByteBuffer.wrap(footer).order(ByteOrder.LITTLE_ENDIAN);
        int n = b.getInt();
        byte descriptor = b.get();
        int magic = b.getInt();
        if (magic != SEEKABLE_MAGIC) {
            throw new FormatException("no seek table at the end of the chunk");
        }
        if ((descriptor & 0x7c) != 0) {
            throw new FormatException("seek table descriptor has reserved bits set");
        }
        if (n < 0 || n > MAX_FRAMES) {
            throw new FormatException("seek table names " + Integer.toUnsignedString(n) + " frames");
        }
        return n;
    }

    /** Total size of the skippable frame holding a table of {@code n} frames without checksums. */
    public static int encodedSize(int n, boolean checksums) {
        return 8 + n * (checksums ? 12 : 8) + FOOTER_SIZE;
    }

    /** Parses a whole seek-table skippable frame, as found at the end of a chunk. */
    public static SeekTable decode(byte[] table) throws FormatException {
        if (table.length < 8 + FOOTER_SIZE) {
            throw new FormatException("seek table too short");
        }
        ByteBuffer b = ByteBuffer.wrap(table).order(ByteOrder.LITTLE_ENDIAN);
        if (b.getInt() != SKIPPABLE_MAGIC) {
            throw new FormatException("seek table does not start with a skippable frame");
        }
        int content = b.getInt();
        if (content != table.length - 8) {
            throw new FormatException("seek table frame size mismatch");
        }
        byte[] footer = new byte[FOOTER_SIZE];
        System.arraycopy(table, table.length - FOOTER_SIZE, footer, 0, FOOTER_SIZE);
        int n = frameCount(footer);
        boolean checksums = (footer[4] & 0x80) != 0;
        if (table.length != encodedSize(n, checksums)) {
            throw new FormatException("seek table length does not match its frame count");
        }
        List<Frame> frames = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            long c = Integer.toUnsignedLong(b.getInt());
            long d = Integer.toUnsignedLong(b.getInt());
            if (checksums) {
                b.getInt();
            }
            if (c == 0) {
                throw new FormatException("seek table frame " + i + " has size 0");
            }
            frames.add(new Frame(c, d));
        }
        return new SeekTable(frames);
    }

    /** Offset of frame {@code index} in the chunk. */
    public long compressedOffset(int index) {
        long o = 0;
        for (int i = 0; i < index; i++) {
            o += frames.get(i).compressedSize();
        }
        return o;
    }

    public long totalCompressed() {
        return compressedOffset(frames.size());
    }

    /** Offset of frame {@code index} in the decompressed (tar) stream. */
    public long decompressedOffset(int index) {
        long o = 0;
        for (int i = 0; i < index && i < frames.size(); i++) {
            o += frames.get(i).decompressedSize();
        }
        return o;
    }

    /** Index of the frame holding decompressed byte {@code offset} (the frame count past the end). */
    public int frameAt(long offset) {
        long o = 0;
        for (int i = 0; i < frames.size(); i++) {
            o += frames.get(i).decompressedSize();
            if (offset < o) {
                return i;
            }
        }
        return frames.size();
    }

    public long totalDecompressed() {
        long o = 0;
        for (Frame f : frames) {
            o += f.decompressedSize();
        }
        return o;
    }
}

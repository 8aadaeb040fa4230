package org.karchive.format;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * A strict reader of the tar streams karchive writes (docs/FORMAT.md section 3), for hostile
 * input. It accepts only ustar headers with valid checksums, typeflags 0, 5, 2 and 1, pax
 * extended headers ('x') of at most {@link #MAX_PAX_BYTES} bytes with the keys karchive writes,
 * and GNU sparse 1.0 entries whose map fits the stored data. It refuses pax global headers ('g'),
 * devices, FIFOs, GNU long names and every other typeflag, base-256 and negative numbers, and
 * anything but zero bytes after the end-of-archive blocks. Memory per entry is bounded by
 * {@link #MAX_PAX_BYTES} and {@link #MAX_SPARSE_SEGMENTS}; no number parsing is superlinear.
 * Not thread-safe.
 */
final class TarReader implements AutoCloseable {
    static final int BLOCK = 512;
    /** Largest pax extended header accepted: a 4 KiB path, a 4 KiB link target and the rest. */
    static final int MAX_PAX_BYTES = 64 * 1024;
    /** Most data segments accepted in one sparse map (16 bytes of memory each). */
    static final int MAX_SPARSE_SEGMENTS = 1 << 20;
    /** Largest size accepted in any header; far above any real file, far below overflow. */
    static final long MAX_SIZE = 1L << 50;
    /** Zero bytes accepted after the end-of-archive blocks (one 10240-byte tar record). */
    static final int MAX_END_PADDING = 10240;
    private static final Set<String> PAX_KEYS = Set.of("path", "linkpath", "mtime", "uid", "gid", "size", "uname",
            "gname", "GNU.sparse.major", "GNU.sparse.minor", "GNU.sparse.name", "GNU.sparse.realsize");

    /** One entry's header, after pax overrides. {@code size} is the logical (real) size. */
    record Entry(String path, EntryType type, long size, long storedSize, String link, boolean sparse, int mode,
                 long uid, long gid, long mtimeNs) {
    }

    private final InputStream in;
    private final String chunk;
    private final byte[] header = new byte[BLOCK];
    private final byte[] scratch = new byte[8192];
    private long position;
    private Entry current;
    /** Stored bytes of the current entry not yet consumed, then its padding. */
    private long storedLeft;
    private long padLeft;
    // sparse state: segments as (offset, length) pairs, logical position
    private long[] segments;
    private int segment;
    private long logical;
    private boolean ended;

    TarReader(InputStream in, String chunk) {
        this.in = in;
        this.chunk = chunk;
    }

    /** Raw tar bytes consumed since this reader was opened. */
    long position() {
        return position;
    }

    /** The next entry, or null at the end-of-archive marker. Skips what is left of the current one. */
    Entry next() throws IOException {
        if (ended) {
            return null;
        }
        skipRest();
        current = null;
        segments = null;
        readFully(header, 0, BLOCK, null);
        if (isZero(header)) {
            readFully(header, 0, BLOCK, null);
            if (!isZero(header)) {
                throw damaged("a header after a single zero block");
            }
            ended = true;
            return null;
        }
        checkHeader(null);
        Map<String, String> pax = null;
        char flag = (char) (header[156] & 0xff);
        if (flag == 'x') {
            long n = octal(124, 12, "pax header size", null);
            if (n > MAX_PAX_BYTES) {
                throw damaged("pax extended header of " + n + " bytes (at most " + MAX_PAX_BYTES + " accepted)");
            }
            byte[] records = new byte[(int) n];
            readFully(records, 0, records.length, null);
            skipRaw(TarWriter.padLength(n));
            pax = parsePax(records);
            readFully(header, 0, BLOCK, null);
            if (isZero(header)) {
                throw damaged("pax extended header without an entry");
            }
            checkHeader(null);
            flag = (char) (header[156] & 0xff);
            if (flag == 'x') {
                throw damaged("two pax extended headers in a row");
            }
        }
        String ustarName = joinName(string(345, 155, "prefix"), string(0, 100, "name"));
        String name = pax != null && pax.containsKey("path") ? pax.get("path") : ustarName;
        EntryType type = switch (flag) {
            case '0', '\0' -> EntryType.FILE;
            case '5' -> EntryType.DIR;
            case '2' -> EntryType.SYMLINK;
            case '1' -> EntryType.HARDLINK;
            case 'g' -> throw damaged("pax global header (refused: it would change later entries)", name);
            case '3', '4' -> throw damaged("device entry (never restored)", name);
            case '6' -> throw damaged("FIFO entry (never restored)", name);
            default -> throw damaged("unsupported tar entry type '" + printableFlag(flag) + "'", name);
        };
        long stored = pax != null && pax.containsKey("size") ? decimal(pax.get("size"), "size", name)
                : octal(124, 12, "size", name);
        if (stored > MAX_SIZE) {
            throw damaged("absurd size " + stored, name);
        }
        int mode = (int) octal(100, 8, "mode", name);
        if ((mode & ~07777) != 0) {
            throw damaged("mode out of range", name);
        }
        long uid = pax != null && pax.containsKey("uid") ? decimal(pax.get("uid"), "uid", name)
                : octal(108, 8, "uid", name);
        long gid = pax != null && pax.containsKey("gid") ? decimal(pax.get("gid"), "gid", name)
                : octal(116, 8, "gid", name);
        long mtime = pax != null && pax.containsKey("mtime") ? paxTime(pax.get("mtime"), name)
                : Math.multiplyExact(octal(136, 12, "mtime", name), 1_000_000_000L);
        String link = pax != null && pax.containsKey("linkpath") ? pax.get("linkpath") : string(157, 100, "linkname");
        boolean sparse = pax != null && pax.containsKey("GNU.sparse.major");
        if (type == EntryType.DIR) {
            if (!name.endsWith("/")) {
                throw damaged("directory name does not end in '/'", name);
            }
            name = name.substring(0, name.length() - 1);
        } else if (name.endsWith("/")) {
            throw damaged("non-directory name ends in '/'", name);
        }
        if (type != EntryType.FILE && stored != 0) {
            throw damaged("a " + type.json() + " entry with " + stored + " bytes of data", name);
        }
        if (type == EntryType.SYMLINK || type == EntryType.HARDLINK) {
            if (link.isEmpty()) {
                throw damaged("link without a target", name);
            }
        } else {
            link = null;
        }
        long size = stored;
        storedLeft = stored;
        padLeft = TarWriter.padLength(stored);
        if (sparse) {
            if (type != EntryType.FILE || !"1".equals(pax.get("GNU.sparse.major"))
                    || !"0".equals(pax.get("GNU.sparse.minor")) || !pax.containsKey("GNU.sparse.name")
                    || !pax.containsKey("GNU.sparse.realsize")) {
                throw damaged("sparse entry that is not GNU sparse 1.0", name);
            }
            name = pax.get("GNU.sparse.name");
            size = decimal(pax.get("GNU.sparse.realsize"), "GNU.sparse.realsize", name);
            if (size > MAX_SIZE) {
                throw damaged("absurd sparse size " + size, name);
            }
            readSparseMap(name, size);
        } else if (pax != null && (pax.containsKey("GNU.sparse.minor") || pax.containsKey("GNU.sparse.name")
                || pax.containsKey("GNU.sparse.realsize"))) {
            throw damaged("incomplete sparse keys", name);
        }
        String why = SafePaths.problem(name);
        if (why != null) {
            throw damaged("unsafe name: " + why, name);
        }
        current = new Entry(name, type, size, stored, link, sparse, mode, uid, gid, mtime);
        logical = 0;
        return current;
    }

    /**
     * Reads the logical content of the current file entry (holes of a sparse entry as zeros). Fills
     * {@code len} bytes unless the entry ends first; -1 at its end.
     */
    int read(byte[] b, int off, int len) throws IOException {
        if (current == null || current.type() != EntryType.FILE) {
            throw new IllegalStateException("no file entry");
        }
        long left = current.size() - logical;
        if (left <= 0) {
            return -1;
        }
        int want = (int) Math.min(len, left);
        if (segments == null) {
            readFully(b, off, want, current.path());
            storedLeft -= want;
            logical += want;
            return want;
        }
        int done = 0;
        while (done < want) {
            long segOff = segment < segments.length / 2 ? segments[2 * segment] : current.size();
            if (logical < segOff) {
                int n = (int) Math.min(want - done, segOff - logical);
                java.util.Arrays.fill(b, off + done, off + done + n, (byte) 0);
                done += n;
                logical += n;
                continue;
            }
            long segEnd = segOff + segments[2 * segment + 1];
            if (logical >= segEnd) {
                segment++;
                continue;
            }
            int n = (int) Math.min(want - done, segEnd - logical);
            readFully(b, off + done, n, current.path());
            storedLeft -= n;
            done += n;
            logical += n;
        }
        return want;
    }

    /**
     * Zero bytes of a sparse entry's hole from the current position up to the next data segment
     * (or the end), 0 when the position is in data or the entry is not sparse. Lets a reader skip
     * the hole with {@link #skipHole} instead of reading zeros.
     */
    long holeAhead() {
        if (current == null || current.type() != EntryType.FILE || segments == null) {
            return 0;
        }
        while (segment < segments.length / 2 && logical >= segments[2 * segment] + segments[2 * segment + 1]) {
            segment++;
        }
        long next = segment < segments.length / 2 ? segments[2 * segment] : current.size();
        return Math.max(0, next - logical);
    }

    /** Moves over {@code n <= holeAhead()} bytes of a hole. */
    void skipHole(long n) {
        if (n < 0 || n > holeAhead()) {
            throw new IllegalArgumentException("not a hole: " + n + " bytes at " + logical);
        }
        logical += n;
    }

    /**
     * After {@link #next()} returned null: at most {@link #MAX_END_PADDING} zero bytes (a tar
     * record's padding) may follow the end-of-archive blocks, and nothing else.
     */
    void checkEnd() throws IOException {
        if (!ended) {
            throw new IllegalStateException("not at the end");
        }
        long extra = 0;
        int n;
        while ((n = in.read(scratch, 0, scratch.length)) >= 0) {
            extra += n;
            if (extra > MAX_END_PADDING) {
                throw damaged("data after the end-of-archive blocks");
            }
            for (int i = 0; i < n; i++) {
                if (scratch[i] != 0) {
                    throw damaged("data after the end-of-archive blocks");
                }
            }
            position += n;
        }
    }

    private void readSparseMap(String name, long realSize) throws IOException {
        long[] used = {0};
        long n = mapNumber(name, used);
        if (n > MAX_SPARSE_SEGMENTS) {
            throw damaged("sparse map with " + n + " segments (at most " + MAX_SPARSE_SEGMENTS + ")", name);
        }
        long[] seg = new long[(int) n * 2];
        long end = 0;
        long data = 0;
        for (int i = 0; i < n; i++) {
            long o = mapNumber(name, used);
            long l = mapNumber(name, used);
            if (o < end || l > realSize || o > realSize - l) {
                throw damaged("sparse map segments overlap or pass the file size", name);
            }
            seg[2 * i] = o;
            seg[2 * i + 1] = l;
            end = o + l;
            data += l;
        }
        long pad = TarWriter.padLength(used[0]);
        if (used[0] + pad > storedLeft) {
            throw damaged("sparse map larger than the stored data", name);
        }
        skipStored(pad);
        if (data != storedLeft) {
            throw damaged("sparse map describes " + data + " bytes but " + storedLeft + " are stored", name);
        }
        segments = seg;
        segment = 0;
    }

    /** One decimal line of a sparse map, read from the entry's stored data. */
    private long mapNumber(String name, long[] used) throws IOException {
        long v = 0;
        int digits = 0;
        while (true) {
            if (storedLeft <= 0) {
                throw damaged("sparse map larger than the stored data", name);
            }
            readFully(scratch, 0, 1, name);
            storedLeft--;
            used[0]++;
            int c = scratch[0];
            if (c == '\n') {
                if (digits == 0) {
                    throw damaged("empty number in sparse map", name);
                }
                return v;
            }
            if (c < '0' || c > '9' || ++digits > 18) {
                throw damaged("bad number in sparse map", name);
            }
            v = v * 10 + (c - '0');
        }
    }

    private void skipRest() throws IOException {
        if (current != null || storedLeft > 0 || padLeft > 0) {
            skipStored(storedLeft);
            skipRaw(padLeft);
            padLeft = 0;
        }
    }

    private void skipStored(long n) throws IOException {
        skipRaw(n);
        storedLeft -= n;
    }

    private void skipRaw(long n) throws IOException {
        while (n > 0) {
            int k = (int) Math.min(scratch.length, n);
            readFully(scratch, 0, k, current == null ? null : current.path());
            n -= k;
        }
    }

    private void readFully(byte[] b, int off, int len, String name) throws IOException {
        int done = 0;
        while (done < len) {
            int n;
            try {
                n = in.read(b, off + done, len - done);
            } catch (FormatException e) {
                throw e;
            } catch (IOException | RuntimeException e) {
                throw new FormatException("chunk " + chunk + " is damaged" + (name == null ? "" : " in "
                        + SafePaths.printable(name)) + ": " + e.getMessage(), e);
            }
            if (n < 0) {
                throw damaged("truncated (the tar stream ends early)", name);
            }
            done += n;
            position += n;
        }
    }

    private void checkHeader(String name) throws FormatException {
        long stored = octal(148, 8, "checksum", name);
        long sum = 0;
        for (int i = 0; i < BLOCK; i++) {
            sum += (i >= 148 && i < 156) ? ' ' : header[i] & 0xff;
        }
        if (sum != stored) {
            throw damaged("bad tar header checksum");
        }
        if (header[257] != 'u' || header[258] != 's' || header[259] != 't' || header[260] != 'a'
                || header[261] != 'r' || header[262] != 0 || header[263] != '0' || header[264] != '0') {
            throw damaged("not a ustar header");
        }
    }

    private long octal(int off, int len, String field, String name) throws FormatException {
        if ((header[off] & 0x80) != 0) {
            throw damaged("base-256 " + field + " (not written by karchive)", name);
        }
        int i = off;
        int end = off + len;
        while (i < end && header[i] == ' ') {
            i++;
        }
        long v = 0;
        int digits = 0;
        for (; i < end; i++) {
            int c = header[i];
            if (c == 0 || c == ' ') {
                break;
            }
            if (c < '0' || c > '7') {
                throw damaged("bad octal " + field, name);
            }
            v = (v << 3) | (c - '0');
            digits++;
        }
        for (; i < end; i++) {
            if (header[i] != 0 && header[i] != ' ') {
                throw damaged("bad octal " + field, name);
            }
        }
        if (digits == 0) {
            throw damaged("empty " + field, name);
        }
        return v;
    }

    private String string(int off, int len, String field) throws FormatException {
        int end = off;
        while (end < off + len && header[end] != 0) {
            end++;
        }
        return utf8(header, off, end - off, field);
    }

    private String utf8(byte[] b, int off, int len, String field) throws FormatException {
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(b, off, len)).toString();
        } catch (CharacterCodingException e) {
            throw damaged(field + " is not valid UTF-8");
        }
    }

    private static String joinName(String prefix, String name) {
        return prefix.isEmpty() ? name : prefix + "/" + name;
    }

    private Map<String, String> parsePax(byte[] r) throws FormatException {
        Map<String, String> m = new HashMap<>();
        int i = 0;
        while (i < r.length) {
            int len = 0;
            int j = i;
            while (j < r.length && r[j] >= '0' && r[j] <= '9' && j - i < 6) {
                len = len * 10 + (r[j] - '0');
                j++;
            }
            if (j == i || j >= r.length || r[j] != ' ' || len <= j - i + 1 || len > r.length - i
                    || r[i + len - 1] != '\n') {
                throw damaged("malformed pax record");
            }
            int eq = -1;
            for (int k = j + 1; k < i + len - 1; k++) {
                if (r[k] == '=') {
                    eq = k;
                    break;
                }
            }
            if (eq < 0) {
                throw damaged("malformed pax record");
            }
            String key = utf8(r, j + 1, eq - j - 1, "pax key");
            String value = utf8(r, eq + 1, i + len - 1 - eq - 1, "pax value");
            if (!PAX_KEYS.contains(key)) {
                throw damaged("unsupported pax key " + SafePaths.printable(key));
            }
            if (m.put(key, value) != null) {
                throw damaged("pax key " + key + " given twice");
            }
            i += len;
        }
        return m;
    }

    private long decimal(String s, String field, String name) throws FormatException {
        if (s.isEmpty() || s.length() > 18) {
            throw damaged("bad " + field + " " + SafePaths.printable(s), name);
        }
        long v = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                throw damaged("bad " + field + " " + SafePaths.printable(s), name);
            }
            v = v * 10 + (c - '0');
        }
        return v;
    }

    /** A pax time: optional '-', 1-12 digits, optional '.' and 1-9 digits. Linear, bounded. */
    private long paxTime(String s, String name) throws FormatException {
        boolean neg = s.startsWith("-");
        String t = neg ? s.substring(1) : s;
        int dot = t.indexOf('.');
        String whole = dot < 0 ? t : t.substring(0, dot);
        String frac = dot < 0 ? "" : t.substring(dot + 1);
        if (whole.isEmpty() || whole.length() > 12 || (dot >= 0 && (frac.isEmpty() || frac.length() > 9))) {
            throw damaged("bad pax mtime " + SafePaths.printable(s), name);
        }
        long secs = decimal(whole, "pax mtime", name);
        long ns = frac.isEmpty() ? 0 : decimal((frac + "000000000").substring(0, 9), "pax mtime", name);
        long v = secs * 1_000_000_000L + ns;
        return neg ? -v : v;
    }

    private static boolean isZero(byte[] b) {
        for (byte x : b) {
            if (x != 0) {
                return false;
            }
        }
        return true;
    }

    private static String printableFlag(char c) {
        return c >= 0x20 && c < 0x7f ? String.valueOf(c) : String.format("\\x%02x", (int) c);
    }

    private FormatException damaged(String why) {
        return damaged(why, current == null ? null : current.path());
    }

    private FormatException damaged(String why, String name) {
        return new FormatException("chunk " + chunk + (name == null ? "" : " (entry " + SafePaths.printable(name)
                + ")") + ": " + why);
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}

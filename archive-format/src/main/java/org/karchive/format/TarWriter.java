package org.karchive.format;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes POSIX pax tar entries (ustar headers plus 'x' extended headers when a value does not fit
 * ustar: long or non-ASCII names, large ids and sizes, nanosecond or out-of-range mtimes). Sparse
 * files use the GNU sparse 1.0 pax convention that GNU tar and bsdtar restore with holes.
 *
 * <p>Written by hand rather than with commons-compress' writer because the chunk format needs the
 * exact stream offset of every header and full control of the sparse layout.
 */
final class TarWriter {
    static final int BLOCK = 512;
    private static final long MAX_OCTAL_11 = 077777777777L;
    private static final long MAX_OCTAL_7 = 07777777L;

    private final OutputStream out;
    private final byte[] zeros = new byte[BLOCK];

    TarWriter(OutputStream out) {
        this.out = out;
    }

    /**
     * Writes the header(s) of an entry. The caller then writes {@code sparseMapBytes + dataSize}
     * bytes of data (see {@link #sparseMap}) and calls {@link #pad(long)}.
     *
     * @return the number of header bytes written
     */
    long writeHeader(TarHeader h, byte[] sparseMap) throws IOException {
        Map<String, String> pax = new LinkedHashMap<>();
        String name = h.path();
        if (h.type() == EntryType.DIR) {
            name = name + "/";
        }
        String ustarName = name;
        long tarSize = h.dataSize() + (sparseMap == null ? 0 : sparseMap.length);
        if (h.sparse() != null) {
            pax.put("GNU.sparse.major", "1");
            pax.put("GNU.sparse.minor", "0");
            pax.put("GNU.sparse.name", name);
            pax.put("GNU.sparse.realsize", Long.toString(h.realSize()));
            int slash = name.lastIndexOf('/');
            String dir = slash < 0 ? "" : name.substring(0, slash + 1);
            ustarName = dir + "GNUSparseFile.0/" + name.substring(slash + 1);
        } else if (!fitsAscii(name, 100)) {
            pax.put("path", name);
        }
        if (h.link() != null && !fitsAscii(h.link(), 100)) {
            pax.put("linkpath", h.link());
        }
        if (tarSize > MAX_OCTAL_11) {
            pax.put("size", Long.toString(tarSize));
        }
        if (h.uid() > MAX_OCTAL_7) {
            pax.put("uid", Long.toString(h.uid()));
        }
        if (h.gid() > MAX_OCTAL_7) {
            pax.put("gid", Long.toString(h.gid()));
        }
        long secs = Math.floorDiv(h.mtimeNs(), 1_000_000_000L);
        long nanos = Math.floorMod(h.mtimeNs(), 1_000_000_000L);
        if (nanos != 0 || secs < 0 || secs > MAX_OCTAL_11) {
            pax.put("mtime", paxTime(h.mtimeNs()));
        }
        if (h.user() != null && !fitsAscii(h.user(), 32)) {
            pax.put("uname", h.user());
        }
        if (h.group() != null && !fitsAscii(h.group(), 32)) {
            pax.put("gname", h.group());
        }
        long written = 0;
        long ustarSecs = Math.max(0, Math.min(secs, MAX_OCTAL_11));
        if (!pax.isEmpty()) {
            byte[] records = paxRecords(pax);
            String paxName = "PaxHeaders/" + asciiFallback(basename(ustarName), 80);
            out.write(ustar(paxName, 'x', 0644, 0, 0, null, null, ustarSecs, null, paxLength(pax)));
            out.write(records);
            written += BLOCK + records.length;
        }
        out.write(ustar(asciiFallback(ustarName, 100), h.type().tarFlag(), h.mode(), h.uid(), h.gid(),
                h.user(), h.group(), ustarSecs, h.link() == null ? null : asciiFallback(h.link(), 100),
                h.type() == EntryType.FILE ? tarSize : 0));
        written += BLOCK;
        if (sparseMap != null) {
            out.write(sparseMap);
            written += sparseMap.length;
        }
        return written;
    }

    /** The GNU sparse 1.0 map that precedes the data: count, then offset/length lines, padded. */
    static byte[] sparseMap(List<long[]> segments) {
        StringBuilder sb = new StringBuilder();
        sb.append(segments.size()).append('\n');
        for (long[] s : segments) {
            sb.append(s[0]).append('\n').append(s[1]).append('\n');
        }
        byte[] text = sb.toString().getBytes(StandardCharsets.US_ASCII);
        byte[] padded = new byte[(int) (text.length + padLength(text.length))];
        System.arraycopy(text, 0, padded, 0, text.length);
        return padded;
    }

    /** Writes the zero padding after {@code dataBytes} of entry data; returns its length. */
    long pad(long dataBytes) throws IOException {
        int p = (int) padLength(dataBytes);
        out.write(zeros, 0, p);
        return p;
    }

    private static long paxLength(Map<String, String> pax) {
        long n = 0;
        for (Map.Entry<String, String> e : pax.entrySet()) {
            n += paxRecordLength(e.getKey(), e.getValue());
        }
        return n;
    }

    private static int paxRecordLength(String key, String value) {
        int body = key.getBytes(StandardCharsets.UTF_8).length + value.getBytes(StandardCharsets.UTF_8).length + 3;
        int len = body + Integer.toString(body).length();
        if (Integer.toString(len).length() != Integer.toString(body).length()) {
            len = body + Integer.toString(len).length();
        }
        return len;
    }

    static long padLength(long n) {
        long r = n % BLOCK;
        return r == 0 ? 0 : BLOCK - r;
    }

    /** The end-of-archive marker: two zero blocks. */
    void writeEnd() throws IOException {
        out.write(zeros);
        out.write(zeros);
    }

    static String paxTime(long ns) {
        long secs = Math.floorDiv(ns, 1_000_000_000L);
        long nanos = Math.floorMod(ns, 1_000_000_000L);
        if (nanos == 0) {
            return Long.toString(secs);
        }
        if (secs < 0) {
            // pax times are decimal: -1.5 means 1.5 s before the epoch
            long whole = secs + 1;
            long frac = 1_000_000_000L - nanos;
            return (whole == 0 ? "-0" : Long.toString(whole)) + "." + String.format("%09d", frac);
        }
        return secs + "." + String.format("%09d", nanos);
    }

    private static byte[] paxRecords(Map<String, String> pax) {
        StringBuilder sb = new StringBuilder();
        for (Map.Entry<String, String> e : pax.entrySet()) {
            int len = paxRecordLength(e.getKey(), e.getValue());
            sb.append(len).append(' ').append(e.getKey()).append('=').append(e.getValue()).append('\n');
        }
        byte[] b = sb.toString().getBytes(StandardCharsets.UTF_8);
        byte[] padded = new byte[(int) (b.length + padLength(b.length))];
        System.arraycopy(b, 0, padded, 0, b.length);
        return padded;
    }

    private byte[] ustar(String name, char type, int mode, long uid, long gid, String user, String group,
                         long mtime, String link, long size) {
        byte[] h = new byte[BLOCK];
        put(h, 0, 100, name);
        octal(h, 100, 8, mode);
        octal(h, 108, 8, Math.min(uid, MAX_OCTAL_7));
        octal(h, 116, 8, Math.min(gid, MAX_OCTAL_7));
        octal(h, 124, 12, Math.min(size, MAX_OCTAL_11));
        octal(h, 136, 12, mtime);
        for (int i = 148; i < 156; i++) {
            h[i] = ' ';
        }
        h[156] = (byte) type;
        if (link != null) {
            put(h, 157, 100, link);
        }
        put(h, 257, 6, "ustar");
        h[263] = '0';
        h[264] = '0';
        if (user != null && fitsAscii(user, 32)) {
            put(h, 265, 32, user);
        }
        if (group != null && fitsAscii(group, 32)) {
            put(h, 297, 32, group);
        }
        octal(h, 329, 8, 0);
        octal(h, 337, 8, 0);
        long sum = 0;
        for (byte b : h) {
            sum += b & 0xff;
        }
        String s = String.format("%06o", sum);
        put(h, 148, 6, s);
        h[154] = 0;
        h[155] = ' ';
        return h;
    }

    private static void put(byte[] h, int off, int len, String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        System.arraycopy(b, 0, h, off, Math.min(len, b.length));
    }

    private static void octal(byte[] h, int off, int len, long v) {
        String s = Long.toOctalString(v);
        int digits = len - 1;
        StringBuilder sb = new StringBuilder();
        for (int i = s.length(); i < digits; i++) {
            sb.append('0');
        }
        sb.append(s);
        put(h, off, digits, sb.toString());
        h[off + digits] = 0;
    }

    private static boolean fitsAscii(String s, int max) {
        if (s.length() > max) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x20 || c > 0x7e) {
                return false;
            }
        }
        return true;
    }

    /** An ASCII stand-in for the ustar field; readers that know pax use the full value. */
    private static String asciiFallback(String s, int max) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < s.length() && sb.length() < max; i++) {
            char c = s.charAt(i);
            sb.append(c >= 0x20 && c <= 0x7e ? c : '_');
        }
        return sb.toString();
    }

    private static String basename(String name) {
        String n = name.endsWith("/") ? name.substring(0, name.length() - 1) : name;
        return n.substring(n.lastIndexOf('/') + 1);
    }
}

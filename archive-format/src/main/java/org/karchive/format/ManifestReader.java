package org.karchive.format;

import com.github.luben.zstd.ZstdInputStream;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.NoSuchElementException;

/**
 * Reads a manifest as a stream of records, checking as it goes: header, strict path order, the
 * path rules of {@link SafePaths}, and at the end the trailer's count and SHA-256. A missing or
 * wrong trailer (truncation, edits) raises {@link FormatException} from {@link #next()} or
 * {@link #hasNext()} when the end is reached; callers that act on records must therefore read the
 * whole manifest first (e.g. a validating pass) before trusting any of it.
 */
public final class ManifestReader implements Iterator<ManifestRecord>, AutoCloseable {
    /** Longest accepted manifest line: a record with a 4 KiB path and a 4 KiB link target. */
    static final int MAX_LINE = 64 * 1024;

    private final InputStream in;
    private final String name;
    private final ManifestHeader header;
    private final MessageDigest sha = Sha256.newDigest();
    private long records;
    private String lastPath;
    /** The last record that is not a directory: nothing may lie below it. */
    private String lastNonDir;
    private ManifestRecord next;
    private boolean ended;
    private long line = 1;

    public ManifestReader(InputStream compressed, String name) throws IOException {
        this.name = name;
        ZstdInputStream z = new ZstdInputStream(compressed);
        z.setLongMax(27);
        this.in = new BufferedInputStream(z, 1 << 16);
        byte[] first = readLine();
        if (first == null) {
            throw new FormatException("manifest " + name + " is empty");
        }
        try {
            this.header = Json.MAPPER.readValue(first, ManifestHeader.class);
        } catch (IOException e) {
            throw new FormatException("manifest " + name + ": bad header line", e);
        }
        if (!ManifestHeader.MAGIC.equals(header.karchive())) {
            throw new FormatException("manifest " + name + ": not a karchive manifest");
        }
        if (header.version() != ManifestHeader.VERSION) {
            throw new FormatException("manifest " + name + ": unsupported version " + header.version());
        }
    }

    public ManifestHeader header() {
        return header;
    }

    private byte[] readLine() throws IOException {
        ByteArrayOutputStream buf = new ByteArrayOutputStream(256);
        int b;
        try {
            while ((b = in.read()) >= 0) {
                if (b == '\n') {
                    line++;
                    return buf.toByteArray();
                }
                if (buf.size() >= MAX_LINE) {
                    throw new FormatException("manifest " + name + ": line " + line + " longer than " + MAX_LINE);
                }
                buf.write(b);
            }
        } catch (FormatException e) {
            throw e;
        } catch (IOException e) {
            throw new FormatException("manifest " + name + " is damaged or truncated: " + e.getMessage(), e);
        }
        if (buf.size() > 0) {
            throw new FormatException("manifest " + name + " is truncated (last line has no newline)");
        }
        return null;
    }

    private void advance() throws IOException {
        if (next != null || ended) {
            return;
        }
        byte[] l = readLine();
        if (l == null) {
            throw new FormatException("manifest " + name + " is truncated: no trailer after " + records + " records");
        }
        if (isTrailer(l)) {
            ManifestTrailer t;
            try {
                t = Json.MAPPER.readValue(l, ManifestTrailer.class);
            } catch (IOException e) {
                throw new FormatException("manifest " + name + ": bad trailer", e);
            }
            String actual = HexFormat.of().formatHex(sha.digest());
            if (t.records() != records || !actual.equals(t.sha256())) {
                throw new IntegrityException("manifest " + name + ": trailer does not match its records ("
                        + records + " records read, trailer says " + t.records() + ")");
            }
            if (readLine() != null) {
                throw new FormatException("manifest " + name + ": data after the trailer");
            }
            ended = true;
            return;
        }
        sha.update(l);
        sha.update((byte) '\n');
        ManifestRecord r;
        try {
            r = Json.MAPPER.readValue(l, ManifestRecord.class);
        } catch (IOException | IllegalArgumentException e) {
            throw new FormatException("manifest " + name + ": bad record on line " + line + ": " + e.getMessage(), e);
        }
        SafePaths.check(r.path());
        if (r.type() == EntryType.HARDLINK) {
            SafePaths.check(r.link());
        }
        if (r.type() == EntryType.SYMLINK && (r.link().indexOf('\0') >= 0
                || r.link().getBytes(java.nio.charset.StandardCharsets.UTF_8).length > SafePaths.MAX_PATH_BYTES)) {
            throw new FormatException("manifest " + name + ": symlink " + SafePaths.printable(r.path())
                    + " has a target with NUL or longer than " + SafePaths.MAX_PATH_BYTES + " bytes");
        }
        if (lastPath != null && PathOrder.compare(lastPath, r.path()) >= 0) {
            throw new FormatException("manifest " + name + ": path " + SafePaths.printable(r.path())
                    + " out of order or repeated");
        }
        if (lastNonDir != null && r.path().startsWith(lastNonDir + "/")) {
            throw new FormatException("manifest " + name + ": " + SafePaths.printable(r.path()) + " lies below "
                    + SafePaths.printable(lastNonDir) + ", which is not a directory");
        }
        if (r.type() != EntryType.DIR) {
            lastNonDir = r.path();
        }
        lastPath = r.path();
        records++;
        next = r;
    }

    private static boolean isTrailer(byte[] l) {
        // records always start with {"path": ; the trailer with {"trailer":
        return l.length > 11 && l[0] == '{' && l[1] == '"' && l[2] == 't' && l[3] == 'r';
    }

    @Override
    public boolean hasNext() {
        try {
            advance();
        } catch (IOException e) {
            throw new UncheckedFormatException(e);
        }
        return next != null;
    }

    @Override
    public ManifestRecord next() {
        if (!hasNext()) {
            throw new NoSuchElementException();
        }
        ManifestRecord r = next;
        next = null;
        return r;
    }

    /** Like {@link #next()} but with checked exceptions; null at the (verified) end. */
    public ManifestRecord read() throws IOException {
        advance();
        ManifestRecord r = next;
        next = null;
        return r;
    }

    public long records() {
        return records;
    }

    @Override
    public void close() throws IOException {
        in.close();
    }

    /** Wraps a checked exception thrown through {@link Iterator} methods. */
    public static final class UncheckedFormatException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        UncheckedFormatException(IOException cause) {
            super(cause.getMessage(), cause);
        }

        @Override
        public synchronized IOException getCause() {
            return (IOException) super.getCause();
        }
    }
}

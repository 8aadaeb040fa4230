package org.karchive.format;

import com.github.luben.zstd.ZstdOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;

/**
 * Streams a manifest (JSON Lines, zstd-compressed) to an output stream: header, records in
 * {@link PathOrder}, trailer. Memory does not grow with the number of records. Not thread-safe.
 */
public final class ManifestWriter implements RecordSink, AutoCloseable {
    private final OutputStream out;
    private final MessageDigest sha = Sha256.newDigest();
    private long records;
    private String lastPath;
    private boolean finished;

    public ManifestWriter(OutputStream sink, String snapshotId, int level) throws IOException {
        ZstdOutputStream z = new ZstdOutputStream(new java.io.FilterOutputStream(sink) {
            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                out.write(b, off, len);
            }

            @Override
            public void close() throws IOException {
                flush(); // the caller owns the sink: it commits or aborts it
            }
        }, level);
        z.setChecksum(true);
        // records are a few hundred bytes: batch them before each (JNI) compression call
        this.out = new java.io.BufferedOutputStream(z, 1 << 16);
        writeLine(Json.MAPPER.writeValueAsBytes(ManifestHeader.of(snapshotId)), false);
    }

    @Override
    public void write(ManifestRecord r) throws IOException {
        if (finished) {
            throw new IllegalStateException("manifest already finished");
        }
        if (lastPath != null && PathOrder.compare(lastPath, r.path()) >= 0) {
            throw new IllegalStateException("manifest records out of order: " + lastPath + " then " + r.path());
        }
        lastPath = r.path();
        writeLine(Json.MAPPER.writeValueAsBytes(r), true);
        records++;
    }

    public long records() {
        return records;
    }

    private byte[] line = new byte[1024];

    private void writeLine(byte[] json, boolean hashed) throws IOException {
        int n = json.length + 1;
        if (line.length < n) {
            line = new byte[Math.max(n, line.length * 2)];
        }
        System.arraycopy(json, 0, line, 0, json.length);
        line[json.length] = '\n';
        out.write(line, 0, n);
        if (hashed) {
            sha.update(line, 0, n);
        }
    }

    /** Writes the trailer and ends the compressed stream; the sink stays open for its owner. */
    public void finish() throws IOException {
        if (finished) {
            return;
        }
        finished = true;
        ManifestTrailer t = new ManifestTrailer(true, records, HexFormat.of().formatHex(sha.digest()));
        out.write(Json.MAPPER.writeValueAsString(t).getBytes(StandardCharsets.UTF_8));
        out.write('\n');
        out.close();
    }

    @Override
    public void close() throws IOException {
        finish();
    }
}

package org.karchive.app;

import com.github.luben.zstd.Zstd;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.karchive.app.repo.Repository;
import org.karchive.app.repo.SnapshotIndex;
import org.karchive.format.EntryType;
import org.karchive.format.Json;
import org.karchive.format.ManifestRecord;
import org.karchive.format.ManifestWriter;
import org.karchive.format.SeekTable;
import org.karchive.format.Sha256;

/**
 * Builds hand-crafted (hostile) repositories for restore tests: raw tar bytes written here, not by
 * karchive's writer; zstd frames and a seek table; a manifest whose trailer and an index whose
 * hashes are computed over what is written, so only the deliberately hostile part is wrong.
 */
final class HostileRepo {
    static final String ID = "20260101T000000Z-0bad";

    /** A raw tar stream under construction. */
    static final class Tar {
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();

        long pos() {
            return out.size();
        }

        /** A ustar header (name/link must fit 100 ASCII bytes unless given in pax), data, padding. */
        Tar entry(String name, char type, int mode, byte[] data, String link, Map<String, String> pax) {
            if (pax != null) {
                byte[] records = paxRecords(pax);
                raw(header("PaxHeaders/x", 'x', 0644, records.length, null));
                raw(records);
                pad(records.length);
            }
            raw(header(name, type, mode, data == null ? 0 : data.length, link));
            if (data != null) {
                raw(data);
                pad(data.length);
            }
            return this;
        }

        Tar file(String name, byte[] data) {
            return entry(name, '0', 0644, data, null, null);
        }

        Tar dir(String name) {
            return entry(name + "/", '5', 0755, null, null, null);
        }

        Tar symlink(String name, String target) {
            return entry(name, '2', 0777, null, target, null);
        }

        Tar hardlink(String name, String target) {
            return entry(name, '1', 0644, null, target, null);
        }

        Tar raw(byte[] b) {
            out.writeBytes(b);
            return this;
        }

        Tar pad(long n) {
            long r = n % 512;
            if (r != 0) {
                out.writeBytes(new byte[(int) (512 - r)]);
            }
            return this;
        }

        Tar end() {
            out.writeBytes(new byte[1024]);
            return this;
        }

        byte[] bytes() {
            return out.toByteArray();
        }
    }

    static byte[] header(String name, char type, int mode, long size, String link) {
        byte[] h = new byte[512];
        put(h, 0, 100, name);
        octal(h, 100, 8, mode);
        octal(h, 108, 8, 0);
        octal(h, 116, 8, 0);
        octal(h, 124, 12, size);
        octal(h, 136, 12, 1_700_000_000L);
        h[156] = (byte) type;
        if (link != null) {
            put(h, 157, 100, link);
        }
        put(h, 257, 6, "ustar");
        h[263] = '0';
        h[264] = '0';
        return checksum(h);
    }

    /** Recomputes a header's checksum (after a test edited it). */
    static byte[] checksum(byte[] h) {
        for (int i = 148; i < 156; i++) {
            h[i] = ' ';
        }
        long sum = 0;
        for (byte b : h) {
            sum += b & 0xff;
        }
        put(h, 148, 6, String.format("%06o", sum));
        h[154] = 0;
        h[155] = ' ';
        return h;
    }

    static void put(byte[] h, int off, int len, String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        System.arraycopy(b, 0, h, off, Math.min(len, b.length));
    }

    static void octal(byte[] h, int off, int len, long v) {
        put(h, off, len - 1, String.format("%0" + (len - 1) + "o", v));
        h[off + len - 1] = 0;
    }

    static byte[] paxRecords(Map<String, String> pax) {
        StringBuilder sb = new StringBuilder();
        for (Map.Entry<String, String> e : pax.entrySet()) {
            int body = e.getKey().getBytes(StandardCharsets.UTF_8).length
                    + e.getValue().getBytes(StandardCharsets.UTF_8).length + 3;
            int len = body + Integer.toString(body).length();
            if (Integer.toString(len).length() != Integer.toString(body).length()) {
                len = body + Integer.toString(len).length();
            }
            sb.append(len).append(' ').append(e.getKey()).append('=').append(e.getValue()).append('\n');
        }
        return sb.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** A chunk: the tar cut into zstd frames of {@code frameSize} bytes, then a seek table. */
    static byte[] chunk(byte[] tar, int frameSize) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        List<SeekTable.Frame> frames = new ArrayList<>();
        for (int off = 0; off < tar.length; off += frameSize) {
            int n = Math.min(frameSize, tar.length - off);
            byte[] f = Zstd.compress(java.util.Arrays.copyOfRange(tar, off, off + n), 3);
            out.writeBytes(f);
            frames.add(new SeekTable.Frame(f.length, n));
        }
        out.writeBytes(new SeekTable(frames).encode());
        return out.toByteArray();
    }

    /** Hand-made frames followed by a seek table that lists them with the given decompressed sizes. */
    static byte[] framed(List<byte[]> frames, long... decompressed) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        List<SeekTable.Frame> table = new ArrayList<>();
        for (int i = 0; i < frames.size(); i++) {
            out.writeBytes(frames.get(i));
            table.add(new SeekTable.Frame(frames.get(i).length, decompressed[i]));
        }
        out.writeBytes(new SeekTable(table).encode());
        return out.toByteArray();
    }

    static byte[] chunk(byte[] tar) {
        return chunk(tar, 1 << 20);
    }

    static String chunkKey(int seq) {
        return Repository.chunkKey(ID, seq);
    }

    /** Record builders; location: chunk 0, frame 0, the given tar offset. */
    static ManifestRecord file(String path, byte[] content, long offset) {
        return new ManifestRecord(path, EntryType.FILE, content.length, 0644, 0, 0, null, null, 1_700_000_000_000_000_000L,
                Sha256.of(content), null, null, chunkKey(0), 0, offset, 0, 0);
    }

    static ManifestRecord dir(String path, long offset) {
        return new ManifestRecord(path, EntryType.DIR, 0, 0755, 0, 0, null, null, 1_700_000_000_000_000_000L, null,
                null, null, chunkKey(0), 0, offset, 0, 0);
    }

    static ManifestRecord symlink(String path, String target, long offset) {
        return new ManifestRecord(path, EntryType.SYMLINK, 0, 0777, 0, 0, null, null, 1_700_000_000_000_000_000L,
                null, target, null, chunkKey(0), 0, offset, 0, 0);
    }

    static ManifestRecord hardlink(String path, String target, long offset) {
        return new ManifestRecord(path, EntryType.HARDLINK, 0, 0644, 0, 0, null, null, 1_700_000_000_000_000_000L,
                null, target, null, chunkKey(0), 0, offset, 0, 0);
    }

    static ManifestRecord withMode(ManifestRecord r, int mode) {
        return new ManifestRecord(r.path(), r.type(), r.size(), mode, r.uid(), r.gid(), r.user(), r.group(),
                r.mtime(), r.sha256(), r.link(), r.sparse(), r.chunk(), r.frame(), r.offset(), r.ino(), r.ctime());
    }

    /** A manifest written with karchive's own writer (records must be in path order). */
    static byte[] manifest(List<ManifestRecord> records) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ManifestWriter w = new ManifestWriter(out, ID, 3)) {
            for (ManifestRecord r : records) {
                w.write(r);
            }
        }
        return out.toByteArray();
    }

    /** A manifest from raw record lines (any order, any content), with a trailer that matches them. */
    static byte[] manifestLines(List<String> lines) throws IOException {
        MessageDigest sha = Sha256.newDigest();
        StringBuilder sb = new StringBuilder("{\"karchive\":\"manifest\",\"version\":1,\"snapshot\":\"" + ID + "\"}\n");
        for (String l : lines) {
            sb.append(l).append('\n');
            sha.update((l + "\n").getBytes(StandardCharsets.UTF_8));
        }
        sb.append("{\"trailer\":true,\"records\":").append(lines.size()).append(",\"sha256\":\"")
                .append(HexFormat.of().formatHex(sha.digest())).append("\"}\n");
        return Zstd.compress(sb.toString().getBytes(StandardCharsets.UTF_8), 3);
    }

    static String json(ManifestRecord r) throws IOException {
        return Json.MAPPER.writeValueAsString(r);
    }

    /** Writes marker, chunks, manifest and an index whose sizes and hashes match what was written. */
    static String write(Path repo, byte[] manifest, byte[]... chunks) throws IOException {
        Map<String, byte[]> objects = new LinkedHashMap<>();
        for (int i = 0; i < chunks.length; i++) {
            objects.put(chunkKey(i), chunks[i]);
        }
        return write(repo, manifest, objects);
    }

    static String write(Path repo, byte[] manifest, Map<String, byte[]> chunks) throws IOException {
        Files.createDirectories(repo);
        Files.writeString(repo.resolve(Repository.MARKER),
                "{\"karchive\":\"repository\",\"version\":1,\"created\":\"2026-01-01T00:00:00Z\"}");
        List<SnapshotIndex.ObjectRef> refs = new ArrayList<>();
        for (Map.Entry<String, byte[]> c : chunks.entrySet()) {
            Path p = repo.resolve(c.getKey());
            Files.createDirectories(p.getParent());
            Files.write(p, c.getValue());
            refs.add(new SnapshotIndex.ObjectRef(c.getKey(), c.getValue().length, Sha256.of(c.getValue())));
        }
        String mkey = Repository.manifestKey(ID);
        Files.createDirectories(repo.resolve(mkey).getParent());
        Files.write(repo.resolve(mkey), manifest);
        SnapshotIndex idx = new SnapshotIndex(SnapshotIndex.MAGIC, SnapshotIndex.VERSION, ID, "2026-01-01T00:00:00Z",
                "hostile", "test", List.of("/"), null, Map.of(),
                new SnapshotIndex.Totals(0, 0, 0, 0, 0, 0, 0, 0, 0),
                new SnapshotIndex.ObjectRef(mkey, manifest.length, Sha256.of(manifest)), refs);
        Files.createDirectories(repo.resolve("snapshots"));
        Files.write(repo.resolve(Repository.indexKey(ID)), Json.MAPPER.writeValueAsBytes(idx));
        return repo.toUri().toString();
    }
}

package org.karchive.format;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The strict tar reader reads what {@link TarWriter} writes, and refuses malformed pax data. */
class TarReaderTest {

    @Test
    void readsWhatTheWriterWrites() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        TarWriter w = new TarWriter(out);
        String longName = "home/kaapana/" + "ä".repeat(80) + "/file.dcm";
        byte[] data = "content\n".getBytes(StandardCharsets.UTF_8);
        w.writeHeader(new TarHeader("home", EntryType.DIR, 0755, 0, 0, "root", "root", 0, null, 0, null, 0), null);
        w.writeHeader(new TarHeader(longName, EntryType.FILE, 04750, 3_000_000, 70, "x".repeat(40), "postgres",
                -1_500_000_000L, null, data.length, null, data.length), null);
        out.write(data);
        w.pad(data.length);
        String target = "../" + "t".repeat(150);
        w.writeHeader(new TarHeader("home/l", EntryType.SYMLINK, 0777, 0, 0, null, null, 5, target, 0, null, 0),
                null);
        w.writeHeader(new TarHeader("home/z", EntryType.HARDLINK, 0644, 0, 0, null, null, 5, longName, 0, null, 0),
                null);
        // sparse: 1000 bytes at 0, 10 bytes at 8192, ends in a hole at 20000
        List<long[]> segs = List.of(new long[] {0, 1000}, new long[] {8192, 10}, new long[] {20000, 0});
        byte[] map = TarWriter.sparseMap(segs);
        w.writeHeader(new TarHeader("home/zz", EntryType.FILE, 0600, 0, 0, null, null, 0, null, 1010, segs, 20000),
                map);
        byte[] seg1 = new byte[1000];
        Arrays.fill(seg1, (byte) 1);
        byte[] seg2 = new byte[10];
        Arrays.fill(seg2, (byte) 2);
        out.write(seg1);
        out.write(seg2);
        w.pad(map.length + 1010);
        w.writeEnd();

        TarReader r = new TarReader(new ByteArrayInputStream(out.toByteArray()), "c");
        TarReader.Entry d = r.next();
        assertThat(d.path()).isEqualTo("home");
        assertThat(d.type()).isEqualTo(EntryType.DIR);
        TarReader.Entry f = r.next();
        assertThat(f.path()).isEqualTo(longName);
        assertThat(f.mode()).isEqualTo(04750);
        assertThat(f.uid()).isEqualTo(3_000_000);
        assertThat(f.mtimeNs()).isEqualTo(-1_500_000_000L);
        byte[] got = new byte[100];
        assertThat(r.read(got, 0, 100)).isEqualTo(data.length);
        assertThat(Arrays.copyOf(got, data.length)).isEqualTo(data);
        assertThat(r.read(got, 0, 100)).isEqualTo(-1);
        TarReader.Entry l = r.next();
        assertThat(l.type()).isEqualTo(EntryType.SYMLINK);
        assertThat(l.link()).isEqualTo(target);
        TarReader.Entry h = r.next();
        assertThat(h.type()).isEqualTo(EntryType.HARDLINK);
        assertThat(h.link()).isEqualTo(longName);
        TarReader.Entry s = r.next();
        assertThat(s.path()).isEqualTo("home/zz");
        assertThat(s.sparse()).isTrue();
        assertThat(s.size()).isEqualTo(20000);
        byte[] all = new byte[20000];
        int n = 0;
        while (n < all.length) {
            int k = r.read(all, n, Math.min(3000, all.length - n));
            assertThat(k).isPositive();
            n += k;
        }
        byte[] expected = new byte[20000];
        Arrays.fill(expected, 0, 1000, (byte) 1);
        Arrays.fill(expected, 8192, 8202, (byte) 2);
        assertThat(all).isEqualTo(expected);
        assertThat(r.next()).isNull();
        r.checkEnd();
        assertThat(r.position()).isEqualTo(out.size());
    }

    private static byte[] withPax(String records) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        TarWriter w = new TarWriter(out);
        byte[] rec = records.getBytes(StandardCharsets.UTF_8);
        // a valid pax header for "a", then its records replaced by ours (same header size field)
        w.writeHeader(new TarHeader("a", EntryType.FILE, 0644, 0, 0, null, null, 1_000_000_000L, null, 0, null, 0),
                null);
        byte[] plain = out.toByteArray();
        ByteArrayOutputStream t = new ByteArrayOutputStream();
        byte[] h = Arrays.copyOf(plain, 512);
        Arrays.fill(h, 0, 100, (byte) 0);
        byte[] name = "PaxHeaders/a".getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(name, 0, h, 0, name.length);
        h[156] = 'x';
        byte[] size = String.format("%011o", rec.length).getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(size, 0, h, 124, 11);
        for (int i = 148; i < 156; i++) {
            h[i] = ' ';
        }
        long sum = 0;
        for (byte b : h) {
            sum += b & 0xff;
        }
        byte[] cs = String.format("%06o", sum).getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(cs, 0, h, 148, 6);
        h[154] = 0;
        t.write(h);
        t.write(rec);
        t.write(new byte[(int) TarWriter.padLength(rec.length)]);
        t.write(plain);
        t.write(new byte[1024]);
        return t.toByteArray();
    }

    @Test
    void refusesMalformedPaxRecords() throws IOException {
        for (String bad : List.of("99999999 path=x\n", "5 path=x\n", "11 path=abc", "10 pathabc\n",
                "9 path=a\n9 path=b\n", "22 mtime=1e9999999999\n", "14 size=-1000\n",
                "18 SCHILY.xattr=1\n")) {
            TarReader r = new TarReader(new ByteArrayInputStream(withPax(bad)), "c");
            assertThatThrownBy(r::next).as(bad).isInstanceOf(FormatException.class).hasMessageContaining("chunk c");
        }
        TarReader ok = new TarReader(new ByteArrayInputStream(withPax("9 path=b\n")), "c");
        assertThat(ok.next().path()).isEqualTo("b");
    }
}

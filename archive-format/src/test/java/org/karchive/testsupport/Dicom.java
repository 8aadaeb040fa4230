package org.karchive.testsupport;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * DICOM-like instance content: a 128-byte preamble, "DICM" and about 1.5 KB of header text, then
 * pixel data in one of three models from the research notes (zstd-3 ratios in brackets):
 * JPEG-LS-like random bytes (1.0x), a raw 512x512 12-bit CT phantom (2.2-2.6x: air 0, a body disc
 * over 69% of pixels at 1064+N(0,sigma), sigma 30-60), or a zero-heavy SEG mask (&gt;10x).
 */
final class Dicom {
    enum Kind { JPEG_LS, RAW_CT, SEG }

    static final int HEADER_BYTES = 1664;
    static final int SIDE = 512;
    static final int RAW_CT_BYTES = SIDE * SIDE * 2;
    /** 4096 standard-normal deviates, fixed for every run, indexed by 12 random bits. */
    private static final float[] NORMAL = new float[4096];

    static {
        Xorshift r = new Xorshift(0x5EEDL);
        for (int i = 0; i < NORMAL.length; i += 2) {
            double u1 = Math.max(1e-12, r.nextDouble());
            double u2 = r.nextDouble();
            double m = Math.sqrt(-2 * Math.log(u1));
            NORMAL[i] = (float) (m * Math.cos(2 * Math.PI * u2));
            NORMAL[i + 1] = (float) (m * Math.sin(2 * Math.PI * u2));
        }
    }

    private Dicom() {}

    static byte[] header(Kind kind, String modality, Xorshift r) {
        String ts = switch (kind) {
            case JPEG_LS -> "1.2.840.10008.1.2.4.80";
            case RAW_CT, SEG -> "1.2.840.10008.1.2.1";
        };
        String sop = kind == Kind.SEG ? "1.2.840.10008.5.1.4.1.1.66.4" : modality.equals("CT")
                ? "1.2.840.10008.5.1.4.1.1.2" : "1.2.840.10008.5.1.4.1.1.4";
        StringBuilder sb = new StringBuilder(HEADER_BYTES);
        sb.append("(0002,0002) UI ").append(sop).append('\n')
                .append("(0002,0003) UI ").append(r.dicomUid()).append('\n')
                .append("(0002,0010) UI ").append(ts).append('\n')
                .append("(0008,0060) CS ").append(kind == Kind.SEG ? "SEG" : modality).append('\n')
                .append("(0010,0010) PN ANON^").append(r.hex(6).toUpperCase()).append('\n')
                .append("(0010,0020) LO ").append(r.hex(10)).append('\n')
                .append("(0020,000D) UI ").append(r.dicomUid()).append('\n')
                .append("(0020,000E) UI ").append(r.dicomUid()).append('\n')
                .append("(0028,0010) US 512\n(0028,0011) US 512\n(0028,0100) US 16\n(0028,0101) US 12\n");
        while (sb.length() < HEADER_BYTES - 132 - 48) {
            sb.append("(0009,10").append(r.hex(2).toUpperCase()).append(") LO ").append(Texts.sentence(r, 3)).append('\n');
        }
        byte[] text = sb.toString().getBytes(StandardCharsets.US_ASCII);
        byte[] h = new byte[HEADER_BYTES];
        System.arraycopy("DICM".getBytes(StandardCharsets.US_ASCII), 0, h, 128, 4);
        System.arraycopy(text, 0, h, 132, Math.min(text.length, HEADER_BYTES - 132 - 12));
        System.arraycopy("(7FE0,0010) ".getBytes(StandardCharsets.US_ASCII), 0, h, HEADER_BYTES - 12, 12);
        return h;
    }

    /** Content for a file of the given kind; the whole instance fits one writer buffer. */
    static TreeWriter.Content content(Kind kind, String modality, Xorshift r) {
        byte[] head = header(kind, modality, r);
        return (b, len, pos) -> {
            if (pos != 0) {
                throw new IllegalStateException("DICOM instances are written in one buffer");
            }
            int n = Math.min(len, head.length);
            System.arraycopy(head, 0, b, 0, n);
            switch (kind) {
                case JPEG_LS -> r.fill(b, n, len - n);
                case RAW_CT -> ctPhantom(b, n, len - n, 30 + r.nextInt(31), r);
                case SEG -> seg(b, n, len - n, r);
            }
        };
    }

    private static void ctPhantom(byte[] b, int off, int len, int sigma, Xorshift r) {
        Arrays.fill(b, off, off + len, (byte) 0);
        double radius = SIDE * Math.sqrt(0.69 / Math.PI);
        double r2 = radius * radius;
        int c = SIDE / 2;
        long bits = 0;
        int left = 0;
        for (int y = 0; y < SIDE; y++) {
            int dy = y - c;
            for (int x = 0; x < SIDE; x++) {
                int dx = x - c;
                int i = off + 2 * (y * SIDE + x);
                if (i + 1 >= off + len || dx * dx + dy * dy > r2) {
                    continue;
                }
                if (left == 0) {
                    bits = r.nextLong();
                    left = 5;
                }
                int v = Math.round(1064 + sigma * NORMAL[(int) (bits & 0xFFF)]);
                bits >>>= 12;
                left--;
                v = Math.max(0, Math.min(4095, v));
                b[i] = (byte) v;
                b[i + 1] = (byte) (v >>> 8);
            }
        }
    }

    private static void seg(byte[] b, int off, int len, Xorshift r) {
        Arrays.fill(b, off, off + len, (byte) 0);
        for (int row = off; row < off + len; row += 512) {
            if (r.chance(0.08)) {
                int start = row + r.nextInt(256);
                int end = Math.min(off + len, start + 16 + r.nextInt(200));
                Arrays.fill(b, start, Math.max(start, end), (byte) 1);
            }
        }
    }
}

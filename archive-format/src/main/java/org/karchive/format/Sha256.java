package org.karchive.format;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** SHA-256 helpers. */
public final class Sha256 {
    private Sha256() {
    }

    public static MessageDigest newDigest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 missing from this JVM", e);
        }
    }

    private static final byte[] ZEROS = new byte[1 << 16];

    /** Feeds {@code n} zero bytes (the holes of a sparse file) to a digest. */
    public static void updateZeros(MessageDigest d, long n) {
        while (n > 0) {
            int z = (int) Math.min(ZEROS.length, n);
            d.update(ZEROS, 0, z);
            n -= z;
        }
    }

    public static String hex(MessageDigest d) {
        return HexFormat.of().formatHex(d.digest());
    }

    public static String of(byte[] data) {
        MessageDigest d = newDigest();
        d.update(data);
        return hex(d);
    }

    /** True for 64 lower-case hex digits. */
    public static boolean isHex(String s) {
        if (s == null || s.length() != 64) {
            return false;
        }
        for (int i = 0; i < 64; i++) {
            char c = s.charAt(i);
            if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
                return false;
            }
        }
        return true;
    }
}

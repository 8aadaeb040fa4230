package org.karchive.format;

import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Pointer;
import java.lang.ref.Cleaner;
import java.security.DigestException;
import java.security.MessageDigest;
import java.security.MessageDigestSpi;
import java.security.NoSuchAlgorithmException;
import java.security.Provider;
import java.security.Security;
import java.util.HexFormat;

/**
 * SHA-256 and MD5 from the system's OpenSSL (libcrypto.so.3, through JNA), installed as the first
 * JCA provider so every {@code MessageDigest.getInstance} in the process (ours and the S3 SDK's)
 * uses it. Why: the JDK's fast SHA-256 is a C2 intrinsic, and C2 compiling karchive's code costs
 * about 4 CPU-seconds per run on 2 cores (docs/BENCHMARKS.md); with OpenSSL's digests the launcher
 * can run the JVM with the cheap C1 compiler only. Nothing else changes: the digests are the
 * standard ones, checked against known answers before the provider is installed, and without
 * libcrypto the JDK's own implementations are used.
 */
public final class NativeDigests {
    static final String PROVIDER = "KarchiveOpenSSL";
    private static final Cleaner CLEANER = Cleaner.create();
    private static volatile Boolean installed;

    private NativeDigests() {
    }

    /** Direct-mapped libcrypto calls (EVP API, OpenSSL 1.1 and 3). */
    static final class Crypto {
        static native Pointer EVP_MD_CTX_new();

        static native void EVP_MD_CTX_free(Pointer ctx);

        static native Pointer EVP_sha256();

        static native Pointer EVP_md5();

        static native int EVP_DigestInit_ex(Pointer ctx, Pointer type, Pointer engine);

        static native int EVP_DigestUpdate(Pointer ctx, Pointer data, long count);

        static native int EVP_DigestFinal_ex(Pointer ctx, Pointer md, Pointer size);

        static native int EVP_MD_CTX_copy_ex(Pointer out, Pointer in);

        private Crypto() {
        }
    }

    /**
     * Installs the provider once, if libcrypto loads and answers the standard test vectors.
     *
     * @return whether the native digests are in use
     */
    public static synchronized boolean install() {
        if (installed != null) {
            return installed;
        }
        boolean ok = false;
        try {
            Native.register(Crypto.class, NativeLibrary.getInstance(libraryName()));
            ok = selfTest();
            if (ok) {
                Security.insertProviderAt(new KarchiveProvider(), 1);
            }
        } catch (UnsatisfiedLinkError | RuntimeException e) {
            ok = false;
        }
        installed = ok;
        return ok;
    }

    /** Whether {@link #install()} succeeded. */
    public static boolean active() {
        return Boolean.TRUE.equals(installed);
    }

    private static String libraryName() {
        String v = System.getProperty("karchive.libcrypto");
        return v != null ? v : "libcrypto.so.3";
    }

    private static boolean selfTest() {
        byte[] abc = "abc".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        String sha = hex(new Spi(Spi.SHA256), abc);
        String md5 = hex(new Spi(Spi.MD5), abc);
        return "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad".equals(sha)
                && "900150983cd24fb0d6963f7d28e17f72".equals(md5);
    }

    private static String hex(Spi spi, byte[] data) {
        spi.engineUpdate(data, 0, data.length);
        return HexFormat.of().formatHex(spi.engineDigest());
    }

    private static final class KarchiveProvider extends Provider {
        private static final long serialVersionUID = 1L;

        KarchiveProvider() {
            super(PROVIDER, "1", "SHA-256 and MD5 from OpenSSL's libcrypto");
            put("MessageDigest.SHA-256", Sha256Spi.class.getName());
            put("Alg.Alias.MessageDigest.SHA256", "SHA-256");
            put("MessageDigest.MD5", Md5Spi.class.getName());
        }
    }

    /** SHA-256 for the provider (public, with a no-argument constructor, as the JCA requires). */
    public static final class Sha256Spi extends Spi {
        public Sha256Spi() {
            super(SHA256);
        }
    }

    /** MD5 for the provider. */
    public static final class Md5Spi extends Spi {
        public Md5Spi() {
            super(MD5);
        }
    }

    /** One digest computation; its native context is freed when the object is collected. */
    static class Spi extends MessageDigestSpi implements Cloneable {
        static final int SHA256 = 0;
        static final int MD5 = 1;
        private static final int STAGE = 1 << 16;
        /** Where heap bytes are copied for libcrypto: one buffer per thread, not per digest. */
        private static final ThreadLocal<Memory> STAGING = ThreadLocal.withInitial(() -> new Memory(STAGE));

        private final int algorithm;
        private final State state;

        /** The native context of one Spi, freed by the cleaner. */
        private static final class State implements Runnable {
            final Pointer ctx;

            State(Pointer ctx) {
                this.ctx = ctx;
            }

            @Override
            public void run() {
                Crypto.EVP_MD_CTX_free(ctx);
            }
        }

        Spi(int algorithm) {
            this(algorithm, null);
        }

        private Spi(int algorithm, Spi from) {
            this.algorithm = algorithm;
            Pointer ctx = Crypto.EVP_MD_CTX_new();
            if (ctx == null) {
                throw new IllegalStateException("EVP_MD_CTX_new failed");
            }
            this.state = new State(ctx);
            CLEANER.register(this, state);
            if (from == null) {
                init();
            } else if (Crypto.EVP_MD_CTX_copy_ex(ctx, from.state.ctx) != 1) {
                throw new IllegalStateException("EVP_MD_CTX_copy_ex failed");
            }
        }

        private void init() {
            Pointer md = algorithm == SHA256 ? Crypto.EVP_sha256() : Crypto.EVP_md5();
            if (Crypto.EVP_DigestInit_ex(state.ctx, md, null) != 1) {
                throw new IllegalStateException("EVP_DigestInit_ex failed");
            }
        }

        @Override
        protected int engineGetDigestLength() {
            return algorithm == SHA256 ? 32 : 16;
        }

        @Override
        protected void engineUpdate(byte input) {
            engineUpdate(new byte[] {input}, 0, 1);
        }

        @Override
        protected void engineUpdate(byte[] input, int offset, int len) {
            Memory stage = STAGING.get();
            while (len > 0) {
                int n = Math.min(len, STAGE);
                stage.write(0, input, offset, n);
                if (Crypto.EVP_DigestUpdate(state.ctx, stage, n) != 1) {
                    throw new IllegalStateException("EVP_DigestUpdate failed");
                }
                offset += n;
                len -= n;
            }
        }

        @Override
        protected void engineUpdate(java.nio.ByteBuffer input) {
            if (input.isDirect()) {
                int n = input.remaining();
                Pointer p = Native.getDirectBufferPointer(input).share(input.position());
                if (Crypto.EVP_DigestUpdate(state.ctx, p, n) != 1) {
                    throw new IllegalStateException("EVP_DigestUpdate failed");
                }
                input.position(input.limit());
            } else {
                super.engineUpdate(input);
            }
        }

        @Override
        protected byte[] engineDigest() {
            byte[] r = new byte[engineGetDigestLength()];
            try {
                engineDigest(r, 0, r.length);
            } catch (DigestException e) {
                throw new IllegalStateException(e);
            }
            return r;
        }

        @Override
        protected int engineDigest(byte[] buf, int offset, int len) throws DigestException {
            int n = engineGetDigestLength();
            if (len < n) {
                throw new DigestException("buffer of " + len + " bytes is too short for " + n);
            }
            Memory out = STAGING.get();
            if (Crypto.EVP_DigestFinal_ex(state.ctx, out, null) != 1) {
                throw new IllegalStateException("EVP_DigestFinal_ex failed");
            }
            out.read(0, buf, offset, n);
            init();
            return n;
        }

        @Override
        protected void engineReset() {
            init();
        }

        @Override
        public Object clone() {
            return new Spi(algorithm, this);
        }
    }

    /** For tests: a digest from this provider without installing it globally. */
    static MessageDigest forTest(String algorithm) throws NoSuchAlgorithmException, java.security.NoSuchProviderException {
        if (!install()) {
            throw new NoSuchAlgorithmException("libcrypto not available");
        }
        return MessageDigest.getInstance(algorithm, PROVIDER);
    }
}

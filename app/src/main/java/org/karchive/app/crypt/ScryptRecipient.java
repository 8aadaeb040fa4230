package org.karchive.app.crypt;

import com.exceptionfactory.jagged.FileKey;
import com.exceptionfactory.jagged.RecipientStanza;
import com.exceptionfactory.jagged.RecipientStanzaReader;
import com.exceptionfactory.jagged.RecipientStanzaWriter;
import com.exceptionfactory.jagged.UnsupportedRecipientStanzaException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import javax.crypto.Cipher;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.bouncycastle.crypto.generators.SCrypt;

/**
 * The age scrypt recipient (https://age-encryption.org/v1, "The scrypt recipient type") as a
 * jagged stanza writer and reader: {@code -> scrypt <base64 salt> <log2 N>} with body
 * ChaCha20-Poly1305(scrypt(passphrase, "age-encryption.org/v1/scrypt" || salt, N, r=8, p=1),
 * zero nonce, file key). Only glue: scrypt is Bouncy Castle's, ChaCha20-Poly1305 the JDK's.
 * Such a stanza must be the only one in its header; a reader refuses work factors above
 * {@link #MAX_WORK_FACTOR}, so a hostile header cannot demand gigabytes of memory.
 */
final class ScryptRecipient implements RecipientStanzaWriter, RecipientStanzaReader {
    static final String TYPE = "scrypt";
    /** age's default work factor: 2^18 (scrypt then needs 256 MiB for a moment). */
    static final int WORK_FACTOR = 18;
    /** Largest work factor accepted on reading (age's own limit for identities). */
    static final int MAX_WORK_FACTOR = 22;
    private static final byte[] LABEL = "age-encryption.org/v1/scrypt".getBytes(StandardCharsets.US_ASCII);
    private static final int SALT = 16;
    private static final int FILE_KEY = 16;
    private static final int BODY = FILE_KEY + 16;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final byte[] passphrase;
    private final int workFactor;

    ScryptRecipient(byte[] passphrase) {
        this(passphrase, WORK_FACTOR);
    }

    /** A lower work factor for tests: package-private on purpose. */
    ScryptRecipient(byte[] passphrase, int workFactor) {
        if (workFactor < 1 || workFactor > MAX_WORK_FACTOR) {
            throw new IllegalArgumentException("work factor " + workFactor);
        }
        this.passphrase = passphrase.clone();
        this.workFactor = workFactor;
    }

    /** The work factor is above the limit: the header is hostile or from elsewhere. */
    static final class WorkFactorException extends GeneralSecurityException {
        private static final long serialVersionUID = 1L;

        WorkFactorException(String message) {
            super(message);
        }
    }

    /** A scrypt stanza is not alone in its header (age forbids that). */
    static final class NotAloneException extends GeneralSecurityException {
        private static final long serialVersionUID = 1L;

        NotAloneException(String message) {
            super(message);
        }
    }

    record Stanza(String type, List<String> arguments, byte[] body) implements RecipientStanza {
        @Override
        public String getType() {
            return type;
        }

        @Override
        public List<String> getArguments() {
            return arguments;
        }

        @Override
        public byte[] getBody() {
            return body.clone();
        }
    }

    @Override
    public Iterable<RecipientStanza> getRecipientStanzas(FileKey fileKey) throws GeneralSecurityException {
        byte[] salt = new byte[SALT];
        RANDOM.nextBytes(salt);
        byte[] key = derive(salt, workFactor);
        try {
            // getEncoded may be the file key's own array: never overwrite it
            byte[] body = cipher(Cipher.ENCRYPT_MODE, key).doFinal(fileKey.getEncoded());
            return List.of(new Stanza(TYPE, List.of(base64(salt), Integer.toString(workFactor)), body));
        } finally {
            Arrays.fill(key, (byte) 0);
        }
    }

    @Override
    public FileKey getFileKey(Iterable<RecipientStanza> stanzas) throws GeneralSecurityException {
        List<RecipientStanza> all = new ArrayList<>();
        stanzas.forEach(all::add);
        RecipientStanza s = all.stream().filter(x -> TYPE.equals(x.getType())).findFirst().orElse(null);
        if (s == null) {
            throw new UnsupportedRecipientStanzaException("no scrypt (passphrase) stanza in the header");
        }
        if (all.size() != 1) {
            throw new NotAloneException("a scrypt stanza must be the only one in an age header");
        }
        List<String> args = s.getArguments();
        if (args.size() != 2) {
            throw new UnsupportedRecipientStanzaException("scrypt stanza needs 2 arguments");
        }
        byte[] salt = unbase64(args.get(0));
        if (salt == null || salt.length != SALT) {
            throw new UnsupportedRecipientStanzaException("scrypt stanza salt is not 16 bytes of base64");
        }
        String wf = args.get(1);
        if (!wf.matches("[1-9][0-9]{0,1}")) {
            throw new WorkFactorException("scrypt work factor " + abbreviate(wf) + " is not a number from 1 to "
                    + MAX_WORK_FACTOR);
        }
        int logN = Integer.parseInt(wf);
        if (logN > MAX_WORK_FACTOR) {
            throw new WorkFactorException("scrypt work factor 2^" + logN + " is above the limit 2^" + MAX_WORK_FACTOR);
        }
        byte[] body = s.getBody();
        if (body.length != BODY) {
            throw new UnsupportedRecipientStanzaException("scrypt stanza body is not 32 bytes");
        }
        byte[] key = derive(salt, logN);
        try {
            // the FileKey may keep this array: it is not overwritten here
            return new FileKey(cipher(Cipher.DECRYPT_MODE, key).doFinal(body));
        } finally {
            Arrays.fill(key, (byte) 0);
        }
    }

    private byte[] derive(byte[] salt, int logN) throws MemoryException {
        byte[] s = new byte[LABEL.length + salt.length];
        System.arraycopy(LABEL, 0, s, 0, LABEL.length);
        System.arraycopy(salt, 0, s, LABEL.length, salt.length);
        try {
            return SCrypt.generate(passphrase, s, 1 << logN, 8, 1, 32);
        } catch (OutOfMemoryError e) {
            // one large allocation (128 * r * N bytes) that failed as a whole: safe to report
            throw new MemoryException("the passphrase's scrypt work factor 2^" + logN + " needs " + (1 << (logN - 3))
                    + " KiB of heap; run Java with more (KARCHIVE_JAVA_OPTS=\"-XX:+UseSerialGC -Xmx512m\")");
        }
    }

    /** scrypt did not fit into the heap. */
    static final class MemoryException extends GeneralSecurityException {
        private static final long serialVersionUID = 1L;

        MemoryException(String message) {
            super(message);
        }
    }

    private static Cipher cipher(int mode, byte[] key) throws GeneralSecurityException {
        Cipher c = Cipher.getInstance("ChaCha20-Poly1305");
        c.init(mode, new SecretKeySpec(key, "ChaCha20"), new IvParameterSpec(new byte[12]));
        return c;
    }

    /** age's base64: standard alphabet, no padding. */
    private static String base64(byte[] b) {
        return Base64.getEncoder().withoutPadding().encodeToString(b);
    }

    /** Canonical unpadded base64, or null. */
    private static byte[] unbase64(String s) {
        if (s.indexOf('=') >= 0) {
            return null;
        }
        try {
            byte[] b = Base64.getDecoder().decode(s);
            return base64(b).equals(s) ? b : null;
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private static String abbreviate(String s) {
        return s.length() <= 8 ? s : s.substring(0, 8) + "...";
    }
}

package org.karchive.app.crypt;

import com.exceptionfactory.jagged.x25519.X25519KeyFactory;
import com.exceptionfactory.jagged.x25519.X25519KeyPairGenerator;
import com.exceptionfactory.jagged.x25519.X25519RecipientStanzaReaderFactory;
import com.exceptionfactory.jagged.x25519.X25519RecipientStanzaWriterFactory;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.KeyPair;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import javax.crypto.spec.SecretKeySpec;
import org.karchive.app.UsageException;

/**
 * Reads the keys a user gives: recipients ({@code age1...} on the command line or in a recipients
 * file), identity files ({@code AGE-SECRET-KEY-1...} lines, {@code #} comments, as
 * {@code age-keygen} writes them) and passphrase files (the first line).
 */
public final class Keys {
    static final String RECIPIENT_PREFIX = "age1";
    static final String IDENTITY_PREFIX = "AGE-SECRET-KEY-1";
    private static final int MAX_KEY_FILE = 1 << 20;

    private Keys() {
    }

    /** Every recipient named by {@code --encrypt-to} arguments: a key itself, or a recipients file. */
    public static List<String> recipients(List<String> args) throws IOException {
        List<String> out = new ArrayList<>();
        for (String a : args) {
            String s = a.strip();
            if (s.startsWith(RECIPIENT_PREFIX) && !Files.exists(Path.of(s))) {
                out.add(checkRecipient(s, "--encrypt-to"));
                continue;
            }
            Path f = Path.of(s);
            if (!Files.isRegularFile(f)) {
                throw new UsageException("--encrypt-to " + a + ": neither an age recipient (age1...) nor a "
                        + "recipients file");
            }
            int n = 0;
            int before = out.size();
            for (String line : readLines(f, "recipients file")) {
                n++;
                String t = line.strip();
                if (t.isEmpty() || t.startsWith("#")) {
                    continue;
                }
                out.add(checkRecipient(t, "recipients file " + f + " line " + n));
            }
            if (out.size() == before) {
                throw new UsageException("recipients file " + f + " holds no recipient");
            }
        }
        return out;
    }

    private static String checkRecipient(String r, String where) {
        if (!r.startsWith(RECIPIENT_PREFIX)) {
            throw new UsageException(where + ": only age X25519 recipients (age1...) are supported");
        }
        try {
            X25519RecipientStanzaWriterFactory.newRecipientStanzaWriter(r);
        } catch (GeneralSecurityException | RuntimeException e) {
            throw new UsageException(where + ": " + abbreviate(r) + " is not a valid age X25519 recipient");
        }
        return r;
    }

    /** Every identity in the given identity files. */
    public static List<String> identities(List<Path> files) throws IOException {
        List<String> out = new ArrayList<>();
        for (Path f : files) {
            List<String> lines = readLines(f, "identity file");
            if (!lines.isEmpty() && lines.get(0).startsWith("age-encryption.org/")) {
                throw new KeyException("identity file " + f + " is itself encrypted; decrypt it first "
                        + "(age -d -o key.txt " + f + ")");
            }
            int before = out.size();
            for (int i = 0; i < lines.size(); i++) {
                String t = lines.get(i).strip();
                if (t.isEmpty() || t.startsWith("#")) {
                    continue;
                }
                if (!t.startsWith(IDENTITY_PREFIX)) {
                    throw new KeyException("identity file " + f + " line " + (i + 1) + ": only age X25519 "
                            + "identities (AGE-SECRET-KEY-1...) are supported");
                }
                try {
                    X25519RecipientStanzaReaderFactory.newRecipientStanzaReader(t);
                } catch (GeneralSecurityException | RuntimeException e) {
                    throw new KeyException("identity file " + f + " line " + (i + 1)
                            + ": not a valid age X25519 identity");
                }
                out.add(t);
            }
            if (out.size() == before) {
                throw new KeyException("identity file " + f + " holds no identity (AGE-SECRET-KEY-1...)");
            }
        }
        return out;
    }

    /** The passphrase in a file: its first line, without the line end. */
    public static byte[] passphrase(Path file) throws IOException {
        byte[] b = readKeyFile(file, "passphrase file");
        int end = 0;
        while (end < b.length && b[end] != '\n') {
            end++;
        }
        if (end > 0 && b[end - 1] == '\r') {
            end--;
        }
        byte[] p = Arrays.copyOf(b, end);
        Arrays.fill(b, (byte) 0);
        if (p.length == 0) {
            throw new KeyException("passphrase file " + file + " is empty");
        }
        return p;
    }

    /** The key of an HMAC key file: its bytes without a final line end; at least 16 bytes. */
    public static byte[] hmacKey(Path file) throws IOException {
        byte[] b = readKeyFile(file, "HMAC key file");
        int end = b.length;
        if (end > 0 && b[end - 1] == '\n') {
            end--;
            if (end > 0 && b[end - 1] == '\r') {
                end--;
            }
        }
        byte[] k = Arrays.copyOf(b, end);
        Arrays.fill(b, (byte) 0);
        if (k.length < 16) {
            throw new KeyException("HMAC key file " + file + " holds fewer than 16 bytes; make one with "
                    + "`head -c 32 /dev/urandom | base64 > " + file + "`");
        }
        return k;
    }

    /** The recipient ({@code age1...}) of an identity. */
    public static String recipientOf(String identity) throws KeyException {
        try {
            Key k = new X25519KeyFactory().translateKey(
                    new SecretKeySpec(identity.getBytes(StandardCharsets.US_ASCII), "X25519"));
            String r = k.toString().strip();
            if (!r.startsWith(RECIPIENT_PREFIX)) {
                throw new KeyException("cannot derive the recipient of an identity");
            }
            return r;
        } catch (GeneralSecurityException e) {
            throw new KeyException("not a valid age X25519 identity", e);
        }
    }

    /** A fresh X25519 identity, as {@code AGE-SECRET-KEY-1...}. */
    static String newIdentity() throws KeyException {
        try {
            KeyPair kp = new X25519KeyPairGenerator().generateKeyPair();
            return kp.getPrivate().toString().strip();
        } catch (GeneralSecurityException e) {
            throw new KeyException("cannot generate an X25519 key", e);
        }
    }

    private static List<String> readLines(Path f, String what) throws IOException {
        byte[] b = readKeyFile(f, what);
        return new String(b, StandardCharsets.UTF_8).lines().toList();
    }

    private static byte[] readKeyFile(Path f, String what) throws IOException {
        try {
            if (Files.size(f) > MAX_KEY_FILE) {
                throw new KeyException(what + " " + f + " is larger than 1 MiB");
            }
            return Files.readAllBytes(f);
        } catch (KeyException e) {
            throw e;
        } catch (IOException e) {
            throw new KeyException("cannot read " + what + " " + f + ": " + e.getMessage(), e);
        }
    }

    private static String abbreviate(String s) {
        return s.length() <= 16 ? s : s.substring(0, 12) + "...";
    }
}

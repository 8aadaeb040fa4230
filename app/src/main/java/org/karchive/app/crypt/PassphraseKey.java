package org.karchive.app.crypt;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.karchive.format.FormatException;
import org.karchive.store.ObjectNotFoundException;
import org.karchive.store.ObjectStore;
import org.karchive.store.ObjectWriter;

/**
 * The repository key of a passphrase-protected repository: an X25519 identity, stored at
 * {@link #KEY} as an age file whose only recipient is the passphrase (scrypt). Every other object
 * is encrypted to this identity's recipient (and to any {@code --encrypt-to} recipients), so one
 * scrypt derivation per command opens the whole repository, and a restore with stock tools asks
 * for the passphrase once ({@code age -d -o key.txt keys/passphrase.age}).
 */
public final class PassphraseKey {
    public static final String KEY = "keys/passphrase.age";

    private PassphraseKey() {
    }

    /** Creates the key object (refusing to replace one) and returns its identity. */
    public static String create(ObjectStore store, byte[] passphrase) throws IOException {
        if (store.stat(KEY).isPresent()) {
            throw new KeyException("repository " + store.describe() + " already has a passphrase key " + KEY);
        }
        String identity = Keys.newIdentity();
        String text = "# karchive repository key, created " + Instant.now() + "\n"
                + "# public key: " + Keys.recipientOf(identity) + "\n"
                + identity + "\n";
        ObjectWriter raw = store.create(KEY);
        try {
            ObjectWriter w = Sealing.sealWith(KEY, raw, List.of(new ScryptRecipient(passphrase)));
            w.write(text.getBytes(StandardCharsets.US_ASCII));
            w.commit();
        } catch (IOException | RuntimeException e) {
            raw.abort();
            throw e;
        }
        return identity;
    }

    /** The repository's identity, opened with the passphrase. */
    public static String open(ObjectStore store, byte[] passphrase) throws IOException {
        byte[] raw;
        try {
            raw = store.getBytes(KEY);
        } catch (ObjectNotFoundException e) {
            throw new KeyException("repository " + store.describe() + " says it is protected by a passphrase, but its "
                    + "key " + KEY + " is missing");
        }
        byte[] text;
        try (InputStream in = Sealing.open(KEY, new ByteArrayInputStream(raw),
                List.of(new ScryptRecipient(passphrase)), "wrong passphrase")) {
            text = in.readAllBytes();
        }
        for (String line : new String(text, StandardCharsets.US_ASCII).lines().toList()) {
            String t = line.strip();
            if (t.startsWith(Keys.IDENTITY_PREFIX)) {
                Keys.recipientOf(t); // validates
                return t;
            }
        }
        throw new FormatException(KEY + " holds no identity");
    }
}

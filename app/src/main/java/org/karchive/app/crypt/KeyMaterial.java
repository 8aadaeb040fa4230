package org.karchive.app.crypt;

import java.util.List;

/**
 * The keys one command was given: age X25519 recipients to encrypt to ({@code age1...}),
 * identities to decrypt with ({@code AGE-SECRET-KEY-1...}), and a passphrase (null when none).
 */
public record KeyMaterial(List<String> recipients, List<String> identities, byte[] passphrase) {
    public static final KeyMaterial NONE = new KeyMaterial(List.of(), List.of(), null);

    public KeyMaterial {
        recipients = List.copyOf(recipients);
        identities = List.copyOf(identities);
    }

    /** Whether these keys ask for encrypted writing. */
    public boolean encrypting() {
        return !recipients.isEmpty() || passphrase != null;
    }

    /** Whether any key was given at all. */
    public boolean any() {
        return encrypting() || !identities.isEmpty();
    }
}

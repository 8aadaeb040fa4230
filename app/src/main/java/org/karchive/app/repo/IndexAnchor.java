package org.karchive.app.repo;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Locale;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.karchive.format.IntegrityException;
import org.karchive.format.Sha256;
import org.karchive.store.ObjectNotFoundException;

/**
 * Integrity anchored outside the bucket: the SHA-256 of a snapshot index's JSON that the user kept
 * from {@code archive} ({@code --expect}), and/or an HMAC key kept off the bucket
 * ({@code --hmac-key-file}) whose HMAC-SHA256 of the index JSON is stored beside it in
 * {@code snapshots/<id>.json.hmac}. The index lists the size and SHA-256 of every object the
 * snapshot needs, so an index that matches its anchor pins the whole snapshot.
 *
 * <p>Anyone who can write the bucket can rewrite data and hashes together; they cannot make an
 * index match a hash kept elsewhere, nor forge an HMAC without the key. An HMAC does not reveal a
 * rollback (the newest snapshot deleted, an older one still correctly signed): only
 * {@code --expect} does.
 */
public record IndexAnchor(String expectSha256, byte[] hmacKey) {
    public static final IndexAnchor NONE = new IndexAnchor(null, null);

    public IndexAnchor {
        if (expectSha256 != null) {
            expectSha256 = expectSha256.strip().toLowerCase(Locale.ROOT);
            if (!expectSha256.matches("[0-9a-f]{64}")) {
                throw new org.karchive.app.UsageException("--expect needs the 64 hex digits of a SHA-256 (as "
                        + "`archive` printed it as index sha256)");
            }
        }
    }

    /** The index does not match its anchor: replaced, edited or rolled back. */
    public static final class MismatchException extends IntegrityException {
        private static final long serialVersionUID = 1L;

        MismatchException(String message) {
            super(message);
        }
    }

    /** Checks the plaintext JSON of snapshot {@code id}'s index. */
    void check(Repository repo, String id, byte[] json) throws IOException {
        String key = Repository.indexKey(id);
        if (expectSha256 != null) {
            String sha = Sha256.of(json);
            if (!MessageDigest.isEqual(sha.getBytes(StandardCharsets.US_ASCII),
                    expectSha256.getBytes(StandardCharsets.US_ASCII))) {
                throw new MismatchException("snapshot " + id + ": its index " + key + " has SHA-256 " + sha
                        + ", not the expected " + expectSha256 + " (replaced, edited or rolled back); refusing it");
            }
        }
        if (hmacKey != null) {
            byte[] stored;
            try {
                stored = repo.store().getBytes(Repository.hmacKey(id));
            } catch (ObjectNotFoundException e) {
                throw new MismatchException("snapshot " + id + " has no HMAC (" + Repository.hmacKey(id)
                        + " is missing); its index cannot be authenticated; refusing it");
            }
            String text = new String(stored, StandardCharsets.US_ASCII).strip();
            if (!MessageDigest.isEqual(text.getBytes(StandardCharsets.US_ASCII),
                    hmac(hmacKey, json).getBytes(StandardCharsets.US_ASCII))) {
                throw new MismatchException("snapshot " + id + ": the HMAC of its index " + key + " does not match "
                        + "(the index was changed, or a different --hmac-key-file); refusing it");
            }
        }
    }

    /** Lower-case hex HMAC-SHA256 of {@code data}. */
    public static String hmac(byte[] key, byte[] data) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return HexFormat.of().formatHex(mac.doFinal(data));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 unavailable", e);
        }
    }
}

/**
 * Client-side encryption of a repository with age (https://age-encryption.org/v1), through the
 * jagged library: {@link org.karchive.app.crypt.Sealing} encrypts every object the repository
 * writes (except its marker) and decrypts what it reads; {@link org.karchive.app.crypt.Keys} reads
 * recipients, identities and passphrase files; {@link org.karchive.app.crypt.PassphraseKey} keeps
 * the repository's own X25519 identity in an age file encrypted with a passphrase (the scrypt
 * recipient stanza of {@link org.karchive.app.crypt.ScryptRecipient}).
 *
 * <p>Never here: hand-written cryptographic primitives (jagged, the JDK's ChaCha20-Poly1305 and
 * Bouncy Castle's scrypt do the work), knowledge of tar or zstd, and trust in anything the bucket
 * says about whom to encrypt to: recipients come only from the command line, its environment and
 * config file, or from a key file that only the passphrase opens.
 */
package org.karchive.app.crypt;

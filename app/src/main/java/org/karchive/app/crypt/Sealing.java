package org.karchive.app.crypt;

import com.exceptionfactory.jagged.PayloadException;
import com.exceptionfactory.jagged.RecipientStanzaReader;
import com.exceptionfactory.jagged.RecipientStanzaWriter;
import com.exceptionfactory.jagged.framework.stream.StandardDecryptingChannelFactory;
import com.exceptionfactory.jagged.framework.stream.StandardEncryptingChannelFactory;
import com.exceptionfactory.jagged.x25519.X25519RecipientStanzaReaderFactory;
import com.exceptionfactory.jagged.x25519.X25519RecipientStanzaWriterFactory;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;
import java.security.GeneralSecurityException;
import java.security.SignatureException;
import java.util.ArrayList;
import java.util.List;
import org.karchive.format.FormatException;
import org.karchive.format.IntegrityException;
import org.karchive.store.ObjectWriter;
import org.karchive.store.StoredObject;

/**
 * How a repository's objects are stored: as they are ({@link #PLAIN}), or each one as an age file
 * encrypted to X25519 recipients. Sealing wraps the raw store's writers and readers, so what the
 * store holds (and what the snapshot index hashes) is the age file, and what the format code sees
 * is the plaintext. Thread-safe and immutable.
 *
 * <p>Failures on opening: no identity given, or none that opens the file: {@link KeyException}
 * (exit 1); not an age file, a header whose MAC fails, a payload that is damaged or truncated:
 * {@link FormatException} (exit 4). Decrypted bytes are only ever returned after age
 * authenticated them (per 64 KiB chunk, and the header before any of them).
 */
public final class Sealing {
    /** Objects are stored as they are. */
    public static final Sealing PLAIN = new Sealing(false, List.of(), List.of(), "");

    private final boolean encrypted;
    private final List<String> recipients;
    private final List<String> identities;
    private final String where;

    private Sealing(boolean encrypted, List<String> recipients, List<String> identities, String where) {
        this.encrypted = encrypted;
        this.recipients = List.copyOf(recipients);
        this.identities = List.copyOf(identities);
        this.where = where;
    }

    /**
     * age encryption to {@code recipients} (may be empty for a command that only reads), reading
     * with {@code identities} (may be empty for an archive without a key to read with).
     * {@code where} names the repository in messages.
     */
    public static Sealing age(List<String> recipients, List<String> identities, String where) {
        return new Sealing(true, recipients, identities, where);
    }

    public boolean encrypted() {
        return encrypted;
    }

    /** Whether objects can be written (plain, or encrypted with at least one recipient). */
    public boolean canSeal() {
        return !encrypted || !recipients.isEmpty();
    }

    /** Whether objects can be read (plain, or encrypted with at least one identity). */
    public boolean canOpen() {
        return !encrypted || !identities.isEmpty();
    }

    /** Wraps the raw writer of object {@code key}: what is written to the result is stored encrypted. */
    public ObjectWriter seal(String key, ObjectWriter raw) throws IOException {
        if (!encrypted) {
            return raw;
        }
        List<RecipientStanzaWriter> writers;
        try {
            writers = writers(key);
        } catch (IOException | RuntimeException e) {
            raw.abort();
            throw e;
        }
        return sealWith(key, raw, writers);
    }

    private List<RecipientStanzaWriter> writers(String key) throws KeyException {
        if (recipients.isEmpty()) {
            throw new KeyException("repository " + where + " is encrypted: writing needs --encrypt-to or "
                    + "--passphrase-file");
        }
        List<RecipientStanzaWriter> writers = new ArrayList<>();
        try {
            for (String r : recipients) {
                writers.add(X25519RecipientStanzaWriterFactory.newRecipientStanzaWriter(r));
            }
        } catch (GeneralSecurityException e) {
            throw new KeyException("cannot encrypt " + key + ": " + e.getMessage(), e);
        }
        return writers;
    }

    /** Wraps {@code raw} in an age encryption with the given stanza writers. */
    static ObjectWriter sealWith(String key, ObjectWriter raw, List<RecipientStanzaWriter> writers)
            throws IOException {
        try {
            Unclosed sink = new Unclosed(raw);
            return new SealedWriter(raw, sink, new StandardEncryptingChannelFactory().newEncryptingChannel(sink, writers));
        } catch (GeneralSecurityException e) {
            raw.abort();
            throw new KeyException("cannot encrypt " + key + ": " + e.getMessage(), e);
        } catch (IOException | RuntimeException e) {
            raw.abort();
            throw e;
        }
    }

    /** Encrypts a small object in memory. */
    public byte[] seal(String key, byte[] plain) throws IOException {
        return encrypted ? sealBytes(key, plain, writers(key)) : plain;
    }

    /** Encrypts a small object in memory with the given stanza writers. */
    static byte[] sealBytes(String key, byte[] plain, List<RecipientStanzaWriter> writers) throws IOException {
        MemoryWriter mem = new MemoryWriter(key);
        try (ObjectWriter w = sealWith(key, mem, writers)) {
            w.write(plain);
            w.commit();
        }
        return mem.buf.toByteArray();
    }

    /**
     * The plaintext of object {@code key} read from {@code raw} (its stored bytes from the start).
     * The age header is read and authenticated here, before this returns.
     */
    public InputStream open(String key, InputStream raw) throws IOException {
        if (!encrypted) {
            return raw;
        }
        if (identities.isEmpty()) {
            raw.close();
            throw new KeyException("repository " + where + " is encrypted: give --identity FILE or "
                    + "--passphrase-file FILE to read it");
        }
        return open(key, raw, readers(identities), "none of the given identities opens it (wrong --identity or "
                + "--passphrase-file?)");
    }

    /** As {@link #open(String, InputStream)} with explicit stanza readers (e.g. a passphrase). */
    static InputStream open(String key, InputStream raw, List<RecipientStanzaReader> readers, String wrongKey)
            throws IOException {
        try {
            ReadableByteChannel ch = new StandardDecryptingChannelFactory()
                    .newDecryptingChannel(Channels.newChannel(raw), readers);
            return new OpenedStream(ch, key);
        } catch (GeneralSecurityException e) {
            raw.close();
            throw classify(key, e, wrongKey);
        } catch (PayloadException e) {
            raw.close();
            throw new FormatException(key + " is damaged: its encrypted data ends too early or does not "
                    + "authenticate", e);
        } catch (IOException e) {
            raw.close();
            throw e;
        } catch (RuntimeException e) {
            raw.close();
            throw new FormatException(key + " is not a valid age file: " + e, e);
        }
    }

    static List<RecipientStanzaReader> readers(List<String> identities) throws KeyException {
        List<RecipientStanzaReader> readers = new ArrayList<>();
        for (String i : identities) {
            try {
                readers.add(X25519RecipientStanzaReaderFactory.newRecipientStanzaReader(i));
            } catch (GeneralSecurityException e) {
                throw new KeyException("not a valid age X25519 identity", e);
            }
        }
        return readers;
    }

    /** Wrong key (exit 1) or damaged header (exit 4)? */
    private static IOException classify(String key, GeneralSecurityException e, String wrongKey) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof ScryptRecipient.WorkFactorException || t instanceof ScryptRecipient.NotAloneException) {
                return new FormatException(key + ": refused: " + t.getMessage(), e);
            }
            if (t instanceof ScryptRecipient.MemoryException) {
                return new KeyException(key + ": " + t.getMessage(), e);
            }
        }
        String name = e.getClass().getSimpleName();
        if (name.equals("HeaderDecodingException")) {
            return new FormatException(key + " is not a valid age file (damaged header: " + e.getMessage() + ")", e);
        }
        if (e instanceof SignatureException) {
            return new IntegrityException(key + " is damaged: its age header does not authenticate");
        }
        return new KeyException("cannot decrypt " + key + ": " + wrongKey, e);
    }

    /** The decrypted stream; damaged payloads become {@link FormatException}s naming the object. */
    private static final class OpenedStream extends InputStream {
        private final ReadableByteChannel ch;
        private final String key;
        private boolean eof;

        OpenedStream(ReadableByteChannel ch, String key) {
            this.ch = ch;
            this.key = key;
        }

        @Override
        public int read() throws IOException {
            byte[] b = new byte[1];
            int n = read(b, 0, 1);
            return n < 0 ? -1 : b[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (len == 0) {
                return 0;
            }
            if (eof) {
                return -1;
            }
            ByteBuffer bb = ByteBuffer.wrap(b, off, len);
            int r;
            try {
                r = ch.read(bb);
            } catch (PayloadException e) {
                throw new FormatException(key + " is damaged: its encrypted data ends too early or does not "
                        + "authenticate", e);
            } catch (java.nio.BufferUnderflowException | IllegalStateException e) {
                throw new FormatException(key + " is damaged: " + e, e);
            }
            // count what was transferred, not the return value: a read that meets the end may
            // transfer bytes and still report the end
            int n = bb.position() - off;
            if (r < 0) {
                eof = true;
            }
            return n > 0 ? n : (r < 0 ? -1 : 0);
        }

        @Override
        public void close() throws IOException {
            ch.close();
        }
    }

    /** Passes writes to the raw writer but never closes it: commit and abort stay with us. */
    private static final class Unclosed implements WritableByteChannel {
        private final ObjectWriter out;
        private boolean open = true;
        long written;

        Unclosed(ObjectWriter out) {
            this.out = out;
        }

        @Override
        public int write(ByteBuffer src) throws IOException {
            int n = src.remaining();
            written += n;
            if (src.hasArray()) {
                out.write(src.array(), src.arrayOffset() + src.position(), n);
                src.position(src.limit());
            } else {
                byte[] b = new byte[n];
                src.get(b);
                out.write(b);
            }
            return n;
        }

        @Override
        public boolean isOpen() {
            return open;
        }

        @Override
        public void close() {
            open = false;
        }
    }

    /** Encrypts into the raw writer; commit finishes the age file, then commits the raw object. */
    private static final class SealedWriter extends ObjectWriter {
        private final ObjectWriter raw;
        private final Unclosed sink;
        private final WritableByteChannel enc;

        SealedWriter(ObjectWriter raw, Unclosed sink, WritableByteChannel enc) {
            this.raw = raw;
            this.sink = sink;
            this.enc = enc;
        }

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            ByteBuffer bb = ByteBuffer.wrap(b, off, len);
            while (bb.hasRemaining()) {
                enc.write(bb);
            }
        }

        @Override
        public StoredObject commit() throws IOException {
            try {
                enc.close();
                StoredObject stored = raw.commit();
                if (stored.size() != sink.written) {
                    throw new IOException(stored.key() + ": store reports " + stored.size() + " bytes, wrote "
                            + sink.written);
                }
                return stored;
            } catch (IOException | RuntimeException e) {
                raw.abort();
                throw e;
            }
        }

        @Override
        public void abort() {
            raw.abort();
        }
    }

    /** Collects an encrypted small object in memory. */
    private static final class MemoryWriter extends ObjectWriter {
        final ByteArrayOutputStream buf = new ByteArrayOutputStream();
        private final String key;

        MemoryWriter(String key) {
            this.key = key;
        }

        @Override
        public void write(int b) {
            buf.write(b);
        }

        @Override
        public void write(byte[] b, int off, int len) {
            buf.write(b, off, len);
        }

        @Override
        public StoredObject commit() {
            return new StoredObject(key, buf.size(), org.karchive.format.Sha256.of(buf.toByteArray()));
        }

        @Override
        public void abort() {
        }
    }
}

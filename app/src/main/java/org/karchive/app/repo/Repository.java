package org.karchive.app.repo;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.io.IOException;
import java.io.InputStream;
import java.security.SecureRandom;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.karchive.app.crypt.KeyException;
import org.karchive.app.crypt.KeyMaterial;
import org.karchive.app.crypt.Keys;
import org.karchive.app.crypt.PassphraseKey;
import org.karchive.app.crypt.Sealing;
import org.karchive.format.ChunkReader;
import org.karchive.format.ChunkSink;
import org.karchive.format.ChunkSource;
import org.karchive.format.FormatException;
import org.karchive.format.Json;
import org.karchive.format.SeekTable;
import org.karchive.store.ForwardingObjectStore;
import org.karchive.store.ObjectNotFoundException;
import org.karchive.store.ObjectStore;
import org.karchive.store.ObjectWriter;
import org.karchive.store.StoredObject;

/**
 * A karchive repository on an {@link ObjectStore}: the marker, snapshot indexes, manifests and
 * chunks, laid out as docs/FORMAT.md says. Joins the archive format (which knows no storage) to the
 * store (which knows no tar).
 */
public final class Repository {
    public static final String MARKER = "karchive.json";
    /** Format version of an unencrypted repository. */
    public static final int FORMAT_VERSION = 1;
    /**
     * Format version of an age-encrypted repository: the same layout with every object but the
     * marker encrypted. Older karchive versions refuse it, so they cannot write plaintext into it.
     */
    public static final int ENCRYPTED_FORMAT_VERSION = 2;
    private static final DateTimeFormatter ID_TIME =
            DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);
    private static final SecureRandom RANDOM = new SecureRandom();

    private final ObjectStore store;
    private final Sealing sealing;
    private final ObjectStore objects;

    /** The repository marker. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonPropertyOrder({"karchive", "version", "created", "encryption"})
    public record Marker(@JsonProperty("karchive") String karchive, @JsonProperty("version") int version,
                         @JsonProperty("created") String created,
                         @JsonProperty("encryption") Encryption encryption) {
        public Marker(String karchive, int version, String created) {
            this(karchive, version, created, null);
        }
    }

    /**
     * How an encrypted repository is encrypted (never with whom: recipients come from the user).
     * {@code passphraseKey} names the passphrase-protected repository key when there is one.
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonPropertyOrder({"format", "recipientType", "passphraseKey"})
    public record Encryption(@JsonProperty("format") String format, @JsonProperty("recipientType") String recipientType,
                             @JsonProperty("passphraseKey") String passphraseKey) {
    }

    private Repository(ObjectStore store, Sealing sealing) {
        this.store = store;
        this.sealing = sealing;
        this.objects = sealing.encrypted() ? new SealedStore(store, sealing) : store;
    }

    /** The raw store: what is stored, as stored (ciphertext in an encrypted repository). */
    public ObjectStore store() {
        return store;
    }

    /**
     * The store as the format sees it: objects written here are encrypted in an encrypted
     * repository, whole objects read here are decrypted. Listing, stat and delete pass through.
     */
    public ObjectStore objects() {
        return objects;
    }

    public Sealing sealing() {
        return sealing;
    }

    public boolean encrypted() {
        return sealing.encrypted();
    }

    /** Whether this repository's objects can be read with the keys given. */
    public boolean canRead() {
        return sealing.canOpen();
    }

    /** Opens an existing repository without keys (an encrypted one can then not be read). */
    public static Repository open(ObjectStore store) throws IOException {
        return open(store, KeyMaterial.NONE);
    }

    /** Opens an existing repository with the keys a command was given. */
    public static Repository open(ObjectStore store, KeyMaterial keys) throws IOException {
        Marker m = readMarker(store);
        return new Repository(store, sealingFor(store, m, keys));
    }

    /** Opens the repository, creating its marker first when the location is empty. */
    public static Repository openOrCreate(ObjectStore store) throws IOException {
        return openOrCreate(store, KeyMaterial.NONE);
    }

    /**
     * Opens the repository for writing a snapshot, creating it (encrypted when {@code keys} ask
     * for that) when the location is empty. Refuses to write unencrypted data into an encrypted
     * repository, and to encrypt into an unencrypted one that already holds data.
     */
    public static Repository openOrCreate(ObjectStore store, KeyMaterial keys) throws IOException {
        if (store.stat(MARKER).isEmpty()) {
            if (keys.passphrase() != null) {
                ensurePassphraseKey(store, keys.passphrase());
            }
            store.put(MARKER, Json.MAPPER.writeValueAsBytes(newMarker(keys)));
        }
        Marker m = readMarker(store);
        if (m.encryption() == null && keys.encrypting()) {
            if (hasContent(store)) {
                throw new RepositoryException("repository " + store.describe() + " is not encrypted and already "
                        + "holds snapshots or an unfinished archive; karchive does not mix encrypted and unencrypted "
                        + "data: to encrypt, archive into a new, empty repository (another directory or prefix)");
            }
            if (keys.passphrase() != null) {
                ensurePassphraseKey(store, keys.passphrase());
            }
            store.put(MARKER, Json.MAPPER.writeValueAsBytes(newMarker(keys)));
            m = readMarker(store);
        }
        if (m.encryption() != null) {
            if (!keys.encrypting()) {
                throw new RepositoryException("repository " + store.describe() + " is encrypted (age); refusing to "
                        + "archive unencrypted data into it: give --encrypt-to RECIPIENT or --passphrase-file FILE");
            }
            if (m.encryption().passphraseKey() != null && keys.passphrase() == null) {
                throw new RepositoryException("repository " + store.describe() + " is protected by a passphrase; "
                        + "give --passphrase-file as well, so that every snapshot stays readable with it");
            }
        }
        return new Repository(store, sealingFor(store, m, keys));
    }

    private static Marker newMarker(KeyMaterial keys) {
        if (!keys.encrypting()) {
            return new Marker("repository", FORMAT_VERSION, Instant.now().toString());
        }
        return new Marker("repository", ENCRYPTED_FORMAT_VERSION, Instant.now().toString(),
                new Encryption("age", "X25519", keys.passphrase() == null ? null : PassphraseKey.KEY));
    }

    /** A key left by a creation that died before its marker is reused when the passphrase opens it. */
    private static void ensurePassphraseKey(ObjectStore store, byte[] passphrase) throws IOException {
        if (store.stat(PassphraseKey.KEY).isPresent()) {
            PassphraseKey.open(store, passphrase);
        } else {
            PassphraseKey.create(store, passphrase);
        }
    }

    private static boolean hasContent(ObjectStore store) throws IOException {
        for (String prefix : new String[] {"snapshots/", "manifests/", "runs/", "chunks/"}) {
            if (!store.list(prefix).isEmpty()) {
                return true;
            }
        }
        return false;
    }

    private static Sealing sealingFor(ObjectStore store, Marker m, KeyMaterial keys) throws IOException {
        if (m.encryption() == null) {
            return Sealing.PLAIN;
        }
        List<String> recipients = new ArrayList<>(keys.recipients());
        List<String> identities = new ArrayList<>(keys.identities());
        if (keys.passphrase() != null) {
            if (m.encryption().passphraseKey() == null) {
                throw new KeyException("repository " + store.describe() + " has no passphrase (it was created with "
                        + "--encrypt-to): use --identity FILE");
            }
            String id = PassphraseKey.open(store, keys.passphrase());
            identities.add(id);
            recipients.add(Keys.recipientOf(id));
        }
        return Sealing.age(recipients, identities, store.describe());
    }

    private static Marker readMarker(ObjectStore store) throws IOException {
        byte[] b;
        try {
            b = store.getBytes(MARKER);
        } catch (ObjectNotFoundException e) {
            throw new RepositoryException("no karchive repository at " + store.describe()
                    + " (" + MARKER + " is missing; `karchive archive` creates one)");
        }
        Marker m;
        try {
            m = Json.MAPPER.readValue(b, Marker.class);
        } catch (IOException e) {
            throw new RepositoryException("repository marker " + MARKER + " is not valid JSON", e);
        }
        if (!"repository".equals(m.karchive())) {
            throw new RepositoryException(store.describe() + " is not a karchive repository");
        }
        if (m.version() == FORMAT_VERSION && m.encryption() == null) {
            return m;
        }
        if (m.version() == ENCRYPTED_FORMAT_VERSION) {
            Encryption e = m.encryption();
            if (e == null || !"age".equals(e.format()) || !"X25519".equals(e.recipientType())) {
                throw new RepositoryException("repository " + store.describe() + " uses an encryption this karchive "
                        + "does not know (" + MARKER + ": " + (e == null ? "none" : e.format() + "/"
                        + e.recipientType()) + ")");
            }
            return m;
        }
        throw new RepositoryException("repository format version " + m.version()
                + " is not supported by this karchive (supports " + FORMAT_VERSION + " and "
                + ENCRYPTED_FORMAT_VERSION + ")");
    }

    /**
     * A fresh snapshot id: the UTC time to the second, then the milliseconds (three digits) and one
     * random hex digit, so ids sort by time also when snapshots are taken within one second ("latest"
     * and the parent of an incremental archive are found by id order).
     */
    public static String newSnapshotId(Instant now) {
        int millis = now.getNano() / 1_000_000;
        return ID_TIME.format(now) + "-" + String.format("%03d%x", millis, RANDOM.nextInt(16));
    }

    public static String indexKey(String id) {
        return "snapshots/" + id + ".json";
    }

    public static String manifestKey(String id) {
        return "manifests/" + id + ".jsonl.zst";
    }

    public static String chunkKey(String id, long seq) {
        return String.format("chunks/%s/%06d.tar.zst", id, seq);
    }

    /** Ids of every committed snapshot, oldest first. */
    public List<String> snapshotIds() throws IOException {
        List<String> ids = new ArrayList<>();
        for (ObjectStore.ObjectInfo o : store.list("snapshots/")) {
            String k = o.key();
            if (k.endsWith(".json") && k.indexOf('/', "snapshots/".length()) < 0) {
                ids.add(k.substring("snapshots/".length(), k.length() - ".json".length()));
            }
        }
        ids.sort(null);
        return ids;
    }

    /** Resolves a user's snapshot argument: null or "latest" = newest; else an id or unique prefix. */
    public String resolve(String arg) throws IOException {
        List<String> ids = snapshotIds();
        if (ids.isEmpty()) {
            throw new RepositoryException("the repository at " + store.describe() + " has no snapshots");
        }
        if (arg == null || arg.equals("latest")) {
            return ids.get(ids.size() - 1);
        }
        List<String> matches = ids.stream().filter(i -> i.startsWith(arg)).toList();
        if (matches.contains(arg)) {
            return arg;
        }
        if (matches.size() == 1) {
            return matches.get(0);
        }
        if (matches.isEmpty()) {
            throw new RepositoryException("no snapshot " + arg + " in " + store.describe());
        }
        throw new RepositoryException("snapshot " + arg + " is ambiguous: " + matches);
    }

    public static String hmacKey(String id) {
        return indexKey(id) + ".hmac";
    }

    public SnapshotIndex readIndex(String id) throws IOException {
        return readIndex(id, IndexAnchor.NONE);
    }

    /**
     * Reads (and in an encrypted repository decrypts) a snapshot index, and checks its plaintext
     * against {@code anchor} before parsing it.
     */
    public SnapshotIndex readIndex(String id, IndexAnchor anchor) throws IOException {
        byte[] b;
        try {
            b = objects.getBytes(indexKey(id));
        } catch (ObjectNotFoundException e) {
            throw new RepositoryException("no snapshot " + id + " in " + store.describe());
        }
        anchor.check(this, id, b);
        SnapshotIndex idx;
        try {
            idx = Json.MAPPER.readValue(b, SnapshotIndex.class);
        } catch (IOException e) {
            throw new FormatException("snapshot index " + indexKey(id) + " is damaged: " + e.getMessage(), e);
        }
        if (!SnapshotIndex.MAGIC.equals(idx.karchive()) || idx.version() != SnapshotIndex.VERSION
                || !id.equals(idx.id()) || idx.manifest() == null || idx.totals() == null) {
            throw new FormatException("snapshot index " + indexKey(id) + " is not a valid version "
                    + SnapshotIndex.VERSION + " index for " + id);
        }
        return idx;
    }

    /**
     * Commits a snapshot: the HMAC sidecar first (when {@code hmacKey} is given), then the index.
     * Returns the anchor: the SHA-256 of the index's JSON (its plaintext in an encrypted
     * repository; in an unencrypted one the stored object's SHA-256).
     */
    public String commitIndex(SnapshotIndex idx, byte[] hmacKey) throws IOException {
        byte[] json = indexBytes(idx);
        if (hmacKey != null) {
            store.put(hmacKey(idx.id()), (IndexAnchor.hmac(hmacKey, json) + "\n").getBytes(
                    java.nio.charset.StandardCharsets.US_ASCII));
        }
        objects.put(indexKey(idx.id()), json);
        return org.karchive.format.Sha256.of(json);
    }

    private static byte[] indexBytes(SnapshotIndex idx) throws IOException {
        return Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsBytes(idx);
    }

    /** A sink writing chunks of snapshot {@code id} to the store. */
    public ChunkSink chunkSink(String id) {
        return seq -> {
            String key = chunkKey(id, seq);
            ObjectWriter w = objects.create(key);
            long[] written = new long[1];
            return new ChunkSink.Upload() {
                @Override
                public String key() {
                    return key;
                }

                @Override
                public void write(byte[] b, int off, int len) throws IOException {
                    w.write(b, off, len);
                    written[0] += len;
                }

                @Override
                public ChunkSink.StoredChunk commit() throws IOException {
                    StoredObject s = w.commit();
                    return new ChunkSink.StoredChunk(s.key(), s.size(), s.sha256(), written[0]);
                }

                @Override
                public void abort() {
                    w.abort();
                }
            };
        };
    }

    /** Reads chunks of a snapshot, using its index for sizes so frames can be range-read. */
    public ChunkSource chunkSource(SnapshotIndex idx) {
        java.util.Map<String, Long> sizes = new java.util.HashMap<>();
        for (SnapshotIndex.ObjectRef c : idx.chunks()) {
            sizes.put(c.key(), c.size());
        }
        if (sealing.encrypted()) {
            return encryptedChunkSource(sizes);
        }
        java.util.Map<String, SeekTable> tables = new java.util.LinkedHashMap<>(16, 0.75f, true) {
            private static final long serialVersionUID = 1L;

            @Override
            protected boolean removeEldestEntry(java.util.Map.Entry<String, SeekTable> e) {
                return size() > 64;
            }
        };
        return new ChunkSource() {
            @Override
            public InputStream open(String key, long offset, long length) throws IOException {
                if (!sizes.containsKey(key)) {
                    throw new FormatException("manifest names chunk " + key + ", which the snapshot index lacks");
                }
                return store.get(key, offset, length);
            }

            @Override
            public SeekTable seekTable(String key) throws IOException {
                SeekTable t;
                synchronized (tables) {
                    t = tables.get(key);
                }
                if (t == null) {
                    Long size = sizes.get(key);
                    if (size == null) {
                        throw new FormatException("manifest names chunk " + key + ", which the snapshot index lacks");
                    }
                    t = ChunkReader.seekTable(this, key, size);
                    synchronized (tables) {
                        tables.put(key, t);
                    }
                }
                return t;
            }

            @Override
            public InputStream openTar(String key, int frame) throws IOException {
                // range reads of the frames needed, also from frame 0: a partial restore of an
                // entry near a chunk's start must not start a download of the whole chunk
                return ChunkReader.openAt(this, key, seekTable(key), frame);
            }
        };
    }

    /**
     * Chunks of an encrypted repository: an age file can only be decrypted from its start, so
     * every read streams the chunk from its start, and reading from frame {@code f} skips the
     * frames before it by their headers (downloading, not decompressing, them). There is no seek
     * table to read first, so the extractor reads on rather than reopening a chunk.
     */
    private ChunkSource encryptedChunkSource(java.util.Map<String, Long> sizes) {
        return new ChunkSource() {
            @Override
            public InputStream open(String key, long offset, long length) throws IOException {
                if (!sizes.containsKey(key)) {
                    throw new FormatException("manifest names chunk " + key + ", which the snapshot index lacks");
                }
                InputStream in = sealing.open(key, store.get(key));
                try {
                    in.skipNBytes(offset);
                } catch (java.io.EOFException e) {
                    in.close();
                    throw new FormatException("chunk " + key + " is shorter than " + offset + " bytes");
                }
                return length < 0 ? in : new org.karchive.store.BoundedStream(in, length);
            }

            @Override
            public InputStream openTar(String key, int frame) throws IOException {
                return ChunkReader.openFromStart(open(key, 0, -1), key, frame);
            }
        };
    }

    /** The sealed view of the raw store: whole objects in and out, encrypted at rest. */
    private static final class SealedStore extends ForwardingObjectStore {
        private final Sealing sealing;

        SealedStore(ObjectStore raw, Sealing sealing) {
            super(raw);
            this.sealing = sealing;
        }

        @Override
        public ObjectWriter create(String key) throws IOException {
            return sealing.seal(key, inner.create(key));
        }

        @Override
        public ObjectWriter create(String key, long expectedSize) throws IOException {
            // age adds a header and 16 bytes per 64 KiB
            long hint = expectedSize < 0 ? -1 : expectedSize + expectedSize / 4096 + 1024;
            return sealing.seal(key, inner.create(key, hint));
        }

        @Override
        public InputStream get(String key, long offset, long length) throws IOException {
            if (offset != 0 || length >= 0) {
                throw new IOException("range read of encrypted object " + key);
            }
            return sealing.open(key, inner.get(key));
        }
    }

    /** Stat of an object, for quick verification. */
    public Optional<ObjectStore.ObjectInfo> stat(String key) throws IOException {
        return store.stat(key);
    }
}

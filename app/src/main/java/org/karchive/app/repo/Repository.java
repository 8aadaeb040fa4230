package org.karchive.app.repo;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.io.IOException;
import java.io.InputStream;
import java.security.SecureRandom;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import org.karchive.format.ChunkReader;
import org.karchive.format.ChunkSink;
import org.karchive.format.ChunkSource;
import org.karchive.format.FormatException;
import org.karchive.format.Json;
import org.karchive.format.SeekTable;
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
    public static final int FORMAT_VERSION = 1;
    private static final DateTimeFormatter ID_TIME =
            DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);
    private static final SecureRandom RANDOM = new SecureRandom();

    private final ObjectStore store;

    /** The repository marker. */
    public record Marker(@JsonProperty("karchive") String karchive, @JsonProperty("version") int version,
                         @JsonProperty("created") String created) {
    }

    private Repository(ObjectStore store) {
        this.store = store;
    }

    public ObjectStore store() {
        return store;
    }

    /** Opens an existing repository. */
    public static Repository open(ObjectStore store) throws IOException {
        Repository r = new Repository(store);
        r.readMarker();
        return r;
    }

    /** Opens the repository, creating its marker first when the location is empty. */
    public static Repository openOrCreate(ObjectStore store) throws IOException {
        Repository r = new Repository(store);
        if (store.stat(MARKER).isEmpty()) {
            Marker m = new Marker("repository", FORMAT_VERSION, Instant.now().toString());
            store.put(MARKER, Json.MAPPER.writeValueAsBytes(m));
        }
        r.readMarker();
        return r;
    }

    private void readMarker() throws IOException {
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
        if (m.version() != FORMAT_VERSION) {
            throw new RepositoryException("repository format version " + m.version()
                    + " is not supported by this karchive (supports " + FORMAT_VERSION + ")");
        }
    }

    /** A fresh snapshot id: UTC time then 4 random hex digits, so ids sort by time. */
    public static String newSnapshotId(Instant now) {
        byte[] r = new byte[2];
        RANDOM.nextBytes(r);
        return ID_TIME.format(now) + "-" + HexFormat.of().formatHex(r);
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

    public SnapshotIndex readIndex(String id) throws IOException {
        byte[] b;
        try {
            b = store.getBytes(indexKey(id));
        } catch (ObjectNotFoundException e) {
            throw new RepositoryException("no snapshot " + id + " in " + store.describe());
        }
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

    /** Writes the index: the commit point of a snapshot. */
    public StoredObject writeIndex(SnapshotIndex idx) throws IOException {
        return store.put(indexKey(idx.id()), Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsBytes(idx));
    }

    /** A sink writing chunks of snapshot {@code id} to the store. */
    public ChunkSink chunkSink(String id) {
        return seq -> {
            String key = chunkKey(id, seq);
            ObjectWriter w = store.create(key);
            return new ChunkSink.Upload() {
                @Override
                public String key() {
                    return key;
                }

                @Override
                public void write(byte[] b, int off, int len) throws IOException {
                    w.write(b, off, len);
                }

                @Override
                public ChunkSink.StoredChunk commit() throws IOException {
                    StoredObject s = w.commit();
                    return new ChunkSink.StoredChunk(s.key(), s.size(), s.sha256());
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

    /** Stat of an object, for quick verification. */
    public Optional<ObjectStore.ObjectInfo> stat(String key) throws IOException {
        return store.stat(key);
    }
}

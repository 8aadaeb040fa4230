package org.karchive.store.testing;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentSkipListMap;
import org.karchive.store.Keys;
import org.karchive.store.ObjectNotFoundException;
import org.karchive.store.ObjectStore;
import org.karchive.store.ObjectWriter;
import org.karchive.store.StoredObject;

/** An {@link ObjectStore} in memory, for tests of code above the store. Thread-safe. */
public final class InMemoryObjectStore implements ObjectStore {
    private record Blob(byte[] data, Instant time) {
    }

    private final ConcurrentSkipListMap<String, Blob> objects = new ConcurrentSkipListMap<>();
    private final ConcurrentSkipListMap<String, PendingUpload> pending = new ConcurrentSkipListMap<>();

    /** The raw bytes of an object (tests corrupt or inspect them), or null. */
    public byte[] raw(String key) {
        Blob b = objects.get(key);
        return b == null ? null : b.data.clone();
    }

    /** Replaces an object's bytes without any checks (to simulate corruption). */
    public void replaceRaw(String key, byte[] data) {
        objects.put(Keys.check(key), new Blob(data.clone(), Instant.now()));
    }

    @Override
    public ObjectWriter create(String key) {
        Keys.check(key);
        String id = UUID.randomUUID().toString();
        PendingUpload p = new PendingUpload(key, id, Instant.now());
        pending.put(key + "\0" + id, p);
        return new ObjectWriter() {
            private final ByteArrayOutputStream buf = new ByteArrayOutputStream();
            private boolean done;

            @Override
            public void write(int b) throws IOException {
                write(new byte[] {(byte) b}, 0, 1);
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                if (done) {
                    throw new IOException("upload of " + key + " already finished");
                }
                buf.write(b, off, len);
            }

            @Override
            public StoredObject commit() throws IOException {
                if (done) {
                    throw new IOException("upload of " + key + " already finished");
                }
                done = true;
                pending.remove(key + "\0" + id);
                byte[] data = buf.toByteArray();
                objects.put(key, new Blob(data, Instant.now()));
                return new StoredObject(key, data.length, sha256(data));
            }

            @Override
            public void abort() {
                done = true;
                pending.remove(key + "\0" + id);
            }
        };
    }

    static String sha256(byte[] data) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public InputStream get(String key, long offset, long length) throws IOException {
        if (offset < 0) {
            throw new IllegalArgumentException("negative offset");
        }
        Blob b = objects.get(Keys.check(key));
        if (b == null) {
            throw new ObjectNotFoundException(key);
        }
        int from = (int) Math.min(offset, b.data.length);
        int to = length < 0 ? b.data.length : (int) Math.min(b.data.length, from + length);
        return new ByteArrayInputStream(b.data, from, to - from);
    }

    @Override
    public Optional<ObjectInfo> stat(String key) {
        Blob b = objects.get(Keys.check(key));
        return b == null ? Optional.empty() : Optional.of(new ObjectInfo(key, b.data.length, b.time));
    }

    @Override
    public List<ObjectInfo> list(String prefix) {
        List<ObjectInfo> out = new ArrayList<>();
        for (Map.Entry<String, Blob> e : objects.tailMap(prefix, true).entrySet()) {
            if (!e.getKey().startsWith(prefix)) {
                break;
            }
            out.add(new ObjectInfo(e.getKey(), e.getValue().data.length, e.getValue().time));
        }
        return out;
    }

    @Override
    public void delete(String key) {
        objects.remove(Keys.check(key));
    }

    @Override
    public List<PendingUpload> listPendingUploads(String prefix) {
        List<PendingUpload> out = new ArrayList<>();
        for (PendingUpload p : pending.values()) {
            if (p.key().startsWith(prefix)) {
                out.add(p);
            }
        }
        return out;
    }

    @Override
    public void abortPendingUpload(PendingUpload upload) {
        pending.remove(upload.key() + "\0" + upload.uploadId());
    }

    @Override
    public String describe() {
        return "memory:";
    }

    @Override
    public void close() {
    }
}

package org.karchive.store;

import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Optional;

/**
 * An {@link ObjectStore} that passes every call to another one: the base of decorators (bandwidth
 * limits, counting in tests), which override only what they change.
 */
public abstract class ForwardingObjectStore implements ObjectStore {
    protected final ObjectStore inner;

    protected ForwardingObjectStore(ObjectStore inner) {
        this.inner = inner;
    }

    @Override
    public ObjectWriter create(String key) throws IOException {
        return inner.create(key);
    }

    @Override
    public ObjectWriter create(String key, long expectedSize) throws IOException {
        return inner.create(key, expectedSize);
    }

    @Override
    public InputStream get(String key, long offset, long length) throws IOException {
        return inner.get(key, offset, length);
    }

    @Override
    public Optional<ObjectInfo> stat(String key) throws IOException {
        return inner.stat(key);
    }

    @Override
    public List<ObjectInfo> list(String prefix) throws IOException {
        return inner.list(prefix);
    }

    @Override
    public void delete(String key) throws IOException {
        inner.delete(key);
    }

    @Override
    public List<PendingUpload> listPendingUploads(String prefix) throws IOException {
        return inner.listPendingUploads(prefix);
    }

    @Override
    public void abortPendingUpload(PendingUpload upload) throws IOException {
        inner.abortPendingUpload(upload);
    }

    @Override
    public String describe() {
        return inner.describe();
    }

    @Override
    public void close() throws IOException {
        inner.close();
    }
}

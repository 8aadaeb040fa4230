package org.karchive.store;

import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;
import org.karchive.store.testing.ObjectStoreContract;

class LocalDirectoryStoreContractTest extends ObjectStoreContract {
    @TempDir
    Path dir;

    @Override
    protected ObjectStore openStore() throws Exception {
        return new LocalDirectoryStore(dir);
    }
}

package org.karchive.store;

import org.karchive.store.testing.InMemoryObjectStore;
import org.karchive.store.testing.ObjectStoreContract;

class InMemoryObjectStoreContractTest extends ObjectStoreContract {
    private final InMemoryObjectStore shared = new InMemoryObjectStore();

    @Override
    protected ObjectStore openStore() {
        return shared;
    }
}

package org.karchive.store;

/** The requested object does not exist. */
public class ObjectNotFoundException extends StoreException {
    private static final long serialVersionUID = 1L;

    public ObjectNotFoundException(String key) {
        super("object not found: " + key);
    }
}

package org.karchive.app.cli;

import java.io.IOException;
import org.karchive.app.UsageException;
import org.karchive.store.ObjectStore;
import org.karchive.store.ObjectStores;
import org.karchive.store.StoreConfig;

/** Turns a repository URL and the S3 options into an {@link ObjectStore}. */
public final class RepoOpener {
    private RepoOpener() {
    }

    public static ObjectStore open(String url, StoreConfig config) throws IOException {
        if (url == null || url.isBlank()) {
            throw new UsageException("no repository: give --repo URL or set KARCHIVE_REPO");
        }
        if (!url.startsWith("file:") && !url.startsWith("s3://")) {
            throw new UsageException("unsupported repository URL " + url
                    + " (use file:///abs/path or s3://bucket/prefix)");
        }
        try {
            return ObjectStores.open(url, config);
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
    }
}

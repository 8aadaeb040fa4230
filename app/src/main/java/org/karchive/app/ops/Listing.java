package org.karchive.app.ops;

import java.io.IOException;
import java.util.function.Consumer;
import org.karchive.app.repo.IndexAnchor;
import org.karchive.app.repo.Repository;
import org.karchive.app.repo.SnapshotIndex;
import org.karchive.format.ManifestReader;
import org.karchive.format.ManifestRecord;

/** Streams the manifest records of a snapshot, without touching its chunks. */
public final class Listing {
    private final Repository repo;
    private final IndexAnchor anchor;

    public Listing(Repository repo) {
        this(repo, IndexAnchor.NONE);
    }

    public Listing(Repository repo, IndexAnchor anchor) {
        this.repo = repo;
        this.anchor = anchor;
    }

    /** Calls {@code each} for every selected record; returns the resolved snapshot id. */
    public String list(String snapshotArg, Selection selection, Consumer<ManifestRecord> each) throws IOException {
        String id = repo.resolve(snapshotArg);
        SnapshotIndex idx = repo.readIndex(id, anchor);
        try (ManifestReader mr = RestoreOperation.openManifest(repo, idx)) {
            ManifestRecord r;
            while ((r = mr.read()) != null) {
                if (selection.includes(r.path())) {
                    each.accept(r);
                }
            }
        }
        return id;
    }
}

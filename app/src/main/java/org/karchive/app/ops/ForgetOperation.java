package org.karchive.app.ops;

import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.karchive.app.repo.Repository;
import org.karchive.app.repo.SnapshotIndex;

/** Removes the indexes of snapshots a retention policy does not keep (their data stays until prune). */
public final class ForgetOperation {
    private final Repository repo;

    public ForgetOperation(Repository repo) {
        this.repo = repo;
    }

    public List<Retention.Decision> run(Retention policy, boolean dryRun) throws IOException {
        List<Retention.Item> items = new ArrayList<>();
        for (String id : repo.snapshotIds()) {
            SnapshotIndex idx = repo.readIndex(id);
            items.add(new Retention.Item(id, Instant.parse(idx.time()), idx.host() + " " + idx.paths()));
        }
        List<Retention.Decision> decisions = policy.apply(items);
        if (!dryRun) {
            for (Retention.Decision d : decisions) {
                if (!d.keep()) {
                    repo.store().delete(Repository.indexKey(d.item().id()));
                    repo.store().delete(Repository.hmacKey(d.item().id()));
                }
            }
        }
        return decisions;
    }
}

package org.karchive.app.ops;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.karchive.app.repo.Repository;
import org.karchive.app.repo.SnapshotIndex;
import org.karchive.format.Json;
import org.karchive.store.ObjectStore;

/**
 * Deletes what no snapshot index references: chunks, manifests and run journals older than the
 * grace period, and incomplete uploads older than it. Never deletes an object any index
 * references. While another archive is running (its heartbeat is fresh), nothing is deleted: that
 * run may be about to reference chunks that only a forgotten snapshot referenced.
 */
public final class PruneOperation {
    /** Default grace: longer than any plausible archive run. */
    public static final Duration DEFAULT_GRACE = Duration.ofHours(24);

    /** What prune did (or would do, in a dry run). */
    public record Report(List<String> deleted, long deletedBytes, List<String> abortedUploads, long kept,
                         long young, List<String> liveRuns, boolean dryRun) {
    }

    private final Repository repo;

    public PruneOperation(Repository repo) {
        this.repo = repo;
    }

    public Report run(Duration grace, boolean dryRun) throws IOException {
        ObjectStore store = repo.store();
        Instant cutoff = Instant.now().minus(grace);
        Set<String> referenced = new HashSet<>();
        for (String id : repo.snapshotIds()) {
            SnapshotIndex idx = repo.readIndex(id);
            referenced.add(idx.manifest().key());
            for (SnapshotIndex.ObjectRef c : idx.chunks()) {
                referenced.add(c.key());
            }
        }
        List<String> live = new ArrayList<>();
        List<String> deadMarkers = new ArrayList<>();
        for (ObjectStore.ObjectInfo o : store.list("runs/")) {
            RunJournal.Run r;
            try {
                r = Json.MAPPER.readValue(repo.objects().getBytes(o.key()), RunJournal.Run.class);
            } catch (org.karchive.app.crypt.KeyException e) {
                throw e;
            } catch (IOException e) {
                continue;
            }
            Instant beat = r.heartbeat() == null ? Instant.EPOCH : Instant.parse(r.heartbeat());
            boolean dead = r.ended() || !beat.isAfter(Instant.now().minus(RunJournal.STALE));
            if (!dead) {
                live.add(r.id());
            } else if (o.lastModified().isBefore(cutoff)) {
                deadMarkers.add(o.key());
            }
        }
        List<String> deleted = new ArrayList<>();
        List<String> aborted = new ArrayList<>();
        long bytes = 0;
        long kept = 0;
        long young = 0;
        if (live.isEmpty()) {
            List<ObjectStore.ObjectInfo> candidates = new ArrayList<>(store.list("chunks/"));
            candidates.addAll(store.list("manifests/"));
            for (ObjectStore.ObjectInfo o : candidates) {
                if (referenced.contains(o.key())) {
                    kept++;
                } else if (!o.lastModified().isBefore(cutoff)) {
                    young++;
                } else {
                    deleted.add(o.key());
                    bytes += o.size();
                }
            }
            deleted.addAll(deadMarkers);
            // HMAC sidecars whose index is gone (forgotten, or a run that died before its commit)
            Set<String> indexes = new HashSet<>();
            List<ObjectStore.ObjectInfo> hmacs = new ArrayList<>();
            for (ObjectStore.ObjectInfo o : store.list("snapshots/")) {
                if (o.key().endsWith(".hmac")) {
                    hmacs.add(o);
                } else {
                    indexes.add(o.key());
                }
            }
            for (ObjectStore.ObjectInfo o : hmacs) {
                String index = o.key().substring(0, o.key().length() - ".hmac".length());
                if (!indexes.contains(index) && o.lastModified().isBefore(cutoff)) {
                    deleted.add(o.key());
                    bytes += o.size();
                }
            }
            for (ObjectStore.PendingUpload u : store.listPendingUploads("")) {
                if (u.initiated() != null && u.initiated().isBefore(cutoff) && !referenced.contains(u.key())) {
                    aborted.add(u.key());
                    if (!dryRun) {
                        store.abortPendingUpload(u);
                    }
                }
            }
            if (!dryRun) {
                for (String k : deleted) {
                    store.delete(k);
                }
            }
        }
        return new Report(deleted, bytes, aborted, kept, young, live, dryRun);
    }
}

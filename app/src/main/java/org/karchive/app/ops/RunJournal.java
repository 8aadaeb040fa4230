package org.karchive.app.ops;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.karchive.format.ChunkSink;
import org.karchive.format.Json;
import org.karchive.format.ManifestReader;
import org.karchive.format.ManifestRecord;
import org.karchive.format.ManifestWriter;
import org.karchive.format.RecordSink;
import org.karchive.format.ReuseSource;
import org.karchive.store.ObjectNotFoundException;
import org.karchive.store.ObjectStore;
import org.karchive.store.ObjectWriter;

/**
 * What makes an interrupted archive resumable. While a run is in progress it keeps
 * {@code runs/<id>.json} (refreshed every minute: a heartbeat, never a lock) and, for every chunk
 * it commits, the chunk's records ({@code chunks/<id>/<seq>.records.jsonl.zst}) and then its
 * stored size and SHA-256 ({@code chunks/<id>/<seq>.json}). A later run with the same paths and
 * host finds a run whose heartbeat stopped and reuses its committed chunks. A finished run deletes
 * its journal.
 */
final class RunJournal implements AutoCloseable {
    static final Duration HEARTBEAT = Duration.ofSeconds(60);
    /**
     * A run whose heartbeat is older than this (or that marked itself ended) is dead: its
     * incomplete uploads may be aborted. Committed chunks of any run are reused whether it is dead
     * or not, since committed objects never change. System property {@code karchive.staleRunSeconds}.
     */
    static final Duration STALE = Duration.ofSeconds(Long.getLong("karchive.staleRunSeconds", 180));

    /** The run marker. */
    record Run(@JsonProperty("id") String id, @JsonProperty("paths") List<String> paths,
               @JsonProperty("host") String host, @JsonProperty("started") String started,
               @JsonProperty("heartbeat") String heartbeat, @JsonProperty("ended") boolean ended) {
    }

    /** A committed chunk of a run. */
    record Done(@JsonProperty("key") String key, @JsonProperty("size") long size,
                @JsonProperty("sha256") String sha256) {
    }

    static String runKey(String id) {
        return "runs/" + id + ".json";
    }

    static String recordsKey(String chunkKey) {
        return chunkKey.substring(0, chunkKey.length() - ".tar.zst".length()) + ".records.jsonl.zst";
    }

    static String doneKey(String chunkKey) {
        return chunkKey.substring(0, chunkKey.length() - ".tar.zst".length()) + ".json";
    }

    private final ObjectStore store;
    private final Run run;
    private final ScheduledExecutorService timer;
    private final List<String> written = new ArrayList<>();

    private RunJournal(ObjectStore store, Run run) throws IOException {
        this.store = store;
        this.run = run;
        beat();
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "karchive-heartbeat");
            t.setDaemon(true);
            return t;
        });
        timer.scheduleAtFixedRate(() -> {
            try {
                beat();
            } catch (IOException | RuntimeException e) {
                // a missed heartbeat only makes the run look dead sooner to a later run
            }
        }, HEARTBEAT.toSeconds(), HEARTBEAT.toSeconds(), TimeUnit.SECONDS);
    }

    static RunJournal start(ObjectStore store, String id, List<String> paths, String host) throws IOException {
        return new RunJournal(store, new Run(id, paths, host, Instant.now().toString(), null, false));
    }

    private void beat() throws IOException {
        beat(false);
    }

    private synchronized void beat(boolean ended) throws IOException {
        Run r = new Run(run.id(), run.paths(), run.host(), run.started(), Instant.now().toString(), ended);
        store.put(runKey(run.id()), Json.MAPPER.writeValueAsBytes(r));
    }

    /** The run failed: say so, so the next run may clean up after it at once. */
    void failed() {
        timer.shutdownNow();
        boolean interrupted = Thread.interrupted(); // let the last write through, then re-assert
        try {
            beat(true);
        } catch (IOException | RuntimeException e) {
            // then the heartbeat simply goes stale
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Wraps the repository's chunk sink so each chunk's records are journaled beside it. */
    ChunkSink sink(ChunkSink inner, Tee tee) {
        return seq -> {
            ChunkSink.Upload up = inner.begin(seq);
            ObjectWriter recOut = store.create(recordsKey(up.key()));
            ManifestWriter recs = new ManifestWriter(recOut, run.id(), 3);
            tee.current(up.key(), recs);
            return new ChunkSink.Upload() {
                @Override
                public String key() {
                    return up.key();
                }

                @Override
                public void write(byte[] b, int off, int len) throws IOException {
                    up.write(b, off, len);
                }

                @Override
                public ChunkSink.StoredChunk commit() throws IOException {
                    ChunkSink.StoredChunk c = up.commit();
                    tee.current(null, null);
                    recs.finish();
                    recOut.commit();
                    store.put(doneKey(c.key()), Json.MAPPER.writeValueAsBytes(new Done(c.key(), c.size(), c.sha256())));
                    written.add(c.key());
                    return c;
                }

                @Override
                public void abort() {
                    tee.current(null, null);
                    up.abort();
                    recOut.abort();
                }
            };
        };
    }

    /** Sends every record to the manifest, and records of the chunk being written to its journal. */
    static final class Tee implements RecordSink {
        private final RecordSink manifest;
        private String chunk;
        private ManifestWriter journal;

        Tee(RecordSink manifest) {
            this.manifest = manifest;
        }

        void current(String chunkKey, ManifestWriter w) {
            this.chunk = chunkKey;
            this.journal = w;
        }

        @Override
        public void write(ManifestRecord r) throws IOException {
            manifest.write(r);
            if (journal != null && r.chunk().equals(chunk)) {
                journal.write(r);
            }
        }
    }

    /** After the snapshot is committed: the journal of this run is no longer needed. */
    void finished() {
        timer.shutdownNow();
        for (String key : written) {
            deleteQuietly(recordsKey(key));
            deleteQuietly(doneKey(key));
        }
        deleteQuietly(runKey(run.id()));
    }

    private void deleteQuietly(String key) {
        try {
            store.delete(key);
        } catch (IOException e) {
            // leftovers are removed by prune
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }

    /** A dead run that can be resumed: its committed chunks and their records. */
    record Resumable(Run run, List<Done> chunks, boolean dead) {
        /** The records of every committed chunk, in path order (chunks were written in order). */
        ReuseSource records(ObjectStore store) {
            return new ReuseSource() {
                private int next;
                private ManifestReader current;

                @Override
                public ManifestRecord next() throws IOException {
                    while (true) {
                        if (current != null) {
                            ManifestRecord r = current.read();
                            if (r != null) {
                                return r;
                            }
                            current.close();
                            current = null;
                        }
                        if (next >= chunks.size()) {
                            return null;
                        }
                        String key = recordsKey(chunks.get(next++).key());
                        try {
                            current = new ManifestReader(store.get(key), key);
                        } catch (ObjectNotFoundException e) {
                            current = null;
                        }
                    }
                }
            };
        }
    }

    /** The newest dead run with the same paths and host, with its committed chunks; or null. */
    static Resumable findResumable(ObjectStore store, List<String> paths, String host) throws IOException {
        List<ObjectStore.ObjectInfo> markers = store.list("runs/");
        for (int i = markers.size() - 1; i >= 0; i--) {
            Run r;
            try {
                r = Json.MAPPER.readValue(store.getBytes(markers.get(i).key()), Run.class);
            } catch (org.karchive.app.crypt.KeyException e) {
                throw e;
            } catch (IOException e) {
                continue;
            }
            if (!paths.equals(r.paths()) || !host.equals(r.host())) {
                continue;
            }
            Instant beat = r.heartbeat() == null ? Instant.EPOCH : Instant.parse(r.heartbeat());
            boolean dead = r.ended() || !beat.isAfter(Instant.now().minus(STALE));
            List<Done> chunks = new ArrayList<>();
            for (ObjectStore.ObjectInfo o : store.list("chunks/" + r.id() + "/")) {
                if (o.key().endsWith(".json") && !o.key().endsWith(".records.jsonl.zst")) {
                    Done d = Json.MAPPER.readValue(store.getBytes(o.key()), Done.class);
                    chunks.add(d);
                }
            }
            chunks.sort((a, b) -> a.key().compareTo(b.key()));
            return new Resumable(r, chunks, dead);
        }
        return null;
    }

    /** Aborts the dead run's incomplete uploads: it will never complete them. */
    static void abortPending(ObjectStore store, Resumable res) throws IOException {
        if (!res.dead()) {
            return;
        }
        for (String prefix : List.of("chunks/" + res.run().id() + "/", "manifests/" + res.run().id(),
                runKey(res.run().id()))) {
            for (ObjectStore.PendingUpload u : store.listPendingUploads(prefix)) {
                store.abortPendingUpload(u);
            }
        }
    }

    /** Removes the dead run's journal once a snapshot has taken over its chunks. */
    static void retire(ObjectStore store, Resumable res) throws IOException {
        if (!res.dead()) {
            return;
        }
        for (Done d : res.chunks()) {
            store.delete(recordsKey(d.key()));
            store.delete(doneKey(d.key()));
        }
        store.delete(runKey(res.run().id()));
    }
}

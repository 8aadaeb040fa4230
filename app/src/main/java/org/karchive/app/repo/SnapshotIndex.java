package org.karchive.app.repo;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.List;
import java.util.Map;

/**
 * The snapshot index, {@code snapshots/<id>.json}: written last, so a snapshot exists exactly when
 * its index does. Lists every object the snapshot needs with size and SHA-256.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({"karchive", "version", "id", "time", "host", "tool", "paths", "parent", "tags", "totals",
    "manifest", "chunks", "kaapana"})
public record SnapshotIndex(
        @JsonProperty("karchive") String karchive,
        @JsonProperty("version") int version,
        @JsonProperty("id") String id,
        @JsonProperty("time") String time,
        @JsonProperty("host") String host,
        @JsonProperty("tool") String tool,
        @JsonProperty("paths") List<String> paths,
        @JsonProperty("parent") String parent,
        @JsonProperty("tags") Map<String, String> tags,
        @JsonProperty("totals") Totals totals,
        @JsonProperty("manifest") ObjectRef manifest,
        @JsonProperty("chunks") List<ObjectRef> chunks,
        @JsonProperty("kaapana") Kaapana kaapana) {

    public static final String MAGIC = "snapshot";
    public static final int VERSION = 1;

    public SnapshotIndex {
        paths = paths == null ? List.of() : List.copyOf(paths);
        tags = tags == null ? Map.of() : Map.copyOf(tags);
        chunks = chunks == null ? List.of() : List.copyOf(chunks);
    }

    /** An index without the optional {@code kaapana} field. */
    public SnapshotIndex(String karchive, int version, String id, String time, String host, String tool,
                         List<String> paths, String parent, Map<String, String> tags, Totals totals,
                         ObjectRef manifest, List<ObjectRef> chunks) {
        this(karchive, version, id, time, host, tool, paths, parent, tags, totals, manifest, chunks, null);
    }

    /**
     * Present (optional field) when {@code archive --kaapana} wrote the snapshot: the two data
     * directories (absolute; equal when they are the same), the Kaapana version read from
     * {@code $FAST_DATA_DIR/version} (null if absent), and whether the preflight was overridden.
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonPropertyOrder({"fastDataDir", "slowDataDir", "version", "hot"})
    public record Kaapana(@JsonProperty("fastDataDir") String fastDataDir,
                          @JsonProperty("slowDataDir") String slowDataDir,
                          @JsonProperty("version") String version,
                          @JsonProperty("hot") boolean hot) {
    }

    /** An object the snapshot references. */
    @JsonPropertyOrder({"key", "size", "sha256"})
    public record ObjectRef(@JsonProperty("key") String key, @JsonProperty("size") long size,
                            @JsonProperty("sha256") String sha256) {
    }

    /** Counts of one snapshot. */
    @JsonPropertyOrder({"files", "dirs", "symlinks", "hardlinks", "bytes", "newBytes", "storedBytes", "records",
        "skipped"})
    public record Totals(@JsonProperty("files") long files, @JsonProperty("dirs") long dirs,
                         @JsonProperty("symlinks") long symlinks, @JsonProperty("hardlinks") long hardlinks,
                         @JsonProperty("bytes") long bytes, @JsonProperty("newBytes") long newBytes,
                         @JsonProperty("storedBytes") long storedBytes, @JsonProperty("records") long records,
                         @JsonProperty("skipped") long skipped) {
    }
}

package org.karchive.format;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * Last line of a manifest: number of records and the SHA-256 over the exact bytes of every record
 * line (each with its terminating newline), so truncation and edits are detected.
 */
public record ManifestTrailer(
        @JsonProperty("trailer") boolean trailer,
        @JsonProperty("records") long records,
        @JsonProperty("sha256") String sha256) {
}

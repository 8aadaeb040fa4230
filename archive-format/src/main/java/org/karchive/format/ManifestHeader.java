package org.karchive.format;

import com.fasterxml.jackson.annotation.JsonProperty;

/** First line of a manifest. */
public record ManifestHeader(
        @JsonProperty("karchive") String karchive,
        @JsonProperty("version") int version,
        @JsonProperty("snapshot") String snapshot) {
    public static final String MAGIC = "manifest";
    public static final int VERSION = 1;

    public static ManifestHeader of(String snapshot) {
        return new ManifestHeader(MAGIC, VERSION, snapshot);
    }
}

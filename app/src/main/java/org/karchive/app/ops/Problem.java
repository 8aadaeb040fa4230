package org.karchive.app.ops;

import com.fasterxml.jackson.annotation.JsonInclude;

/** One thing verification found wrong. {@code object} or {@code path} names where. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Problem(String kind, String object, String path, String detail) {
    public static Problem object(String kind, String object, String detail) {
        return new Problem(kind, object, null, detail);
    }

    public static Problem path(String kind, String path, String detail) {
        return new Problem(kind, null, path, detail);
    }
}

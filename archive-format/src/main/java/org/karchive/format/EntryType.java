package org.karchive.format;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/** Kind of a manifest entry; the JSON name is the lower-case word in the manifest. */
public enum EntryType {
    FILE("file", '0'),
    DIR("dir", '5'),
    SYMLINK("symlink", '2'),
    HARDLINK("hardlink", '1');

    private final String json;
    private final char tarFlag;

    EntryType(String json, char tarFlag) {
        this.json = json;
        this.tarFlag = tarFlag;
    }

    @JsonValue
    public String json() {
        return json;
    }

    /** The ustar typeflag of this kind. */
    public char tarFlag() {
        return tarFlag;
    }

    @JsonCreator
    public static EntryType fromJson(String s) {
        for (EntryType t : values()) {
            if (t.json.equals(s)) {
                return t;
            }
        }
        throw new IllegalArgumentException("unknown entry type: " + s);
    }
}

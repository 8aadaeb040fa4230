package org.karchive.app.kaapana;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.karchive.format.Extractor;

/**
 * The volume folder mapping of one restore, as a {@link Extractor.PathMapper}: a stored path
 * {@code <dataDir>/<old volume>/rest} becomes {@code <dataDir>/<new volume>/rest}; every other
 * path is unchanged. Stored paths are relative (no leading slash).
 */
public final class VolumeRemap implements Extractor.PathMapper {

    /** One archived volume folder and where it goes; {@code to} is null when nothing matched. */
    public record Mapping(String dataDir, String from, String to) {
        public boolean matched() {
            return to != null;
        }

        /** The folder name the restore writes. */
        public String target() {
            return to == null ? from : to;
        }
    }

    private final List<Mapping> mappings;
    private final Map<String, String> renames = new HashMap<>();

    VolumeRemap(List<Mapping> mappings) {
        this.mappings = List.copyOf(mappings);
        for (Mapping m : mappings) {
            if (m.matched() && !m.to().equals(m.from())) {
                renames.put(m.dataDir() + "/" + m.from(), m.dataDir() + "/" + m.to());
            }
        }
    }

    public List<Mapping> mappings() {
        return mappings;
    }

    @Override
    public String map(String stored) {
        if (renames.isEmpty()) {
            return stored;
        }
        int slash = stored.indexOf('/');
        while (slash > 0) {
            int next = stored.indexOf('/', slash + 1);
            String head = next < 0 ? stored : stored.substring(0, next);
            String to = renames.get(head);
            if (to != null) {
                return next < 0 ? to : to + stored.substring(next);
            }
            slash = next;
        }
        return stored;
    }
}

package org.karchive.app.kaapana;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.karchive.app.ops.RestoreOperation;
import org.karchive.app.ops.Selection;
import org.karchive.app.repo.Repository;
import org.karchive.app.repo.SnapshotIndex;
import org.karchive.format.ManifestReader;
import org.karchive.format.ManifestRecord;

/**
 * Plans {@code restore --kaapana-remap}: each archived volume folder {@code <ns>-<pvc>-pvc-<uuid>}
 * directly below a data directory goes to the folder with the same {@code <ns>-<pvc>-} prefix that
 * exists now in that data directory below the restore root, or keeps its name when none does (or
 * when its own name exists). Refuses (rather than guess) when several folders share a prefix.
 * Reads the manifest and lists the data directories; writes nothing.
 */
public final class RemapPlanner {
    private RemapPlanner() {
    }

    /**
     * The data directories of a snapshot in stored form: those of {@code archive --kaapana}, else
     * the archived paths (a plain {@code archive /home/kaapana}).
     */
    public static List<String> dataDirs(SnapshotIndex idx) {
        Set<String> dirs = new LinkedHashSet<>();
        if (idx.kaapana() != null) {
            dirs.add(idx.kaapana().fastDataDir());
            dirs.add(idx.kaapana().slowDataDir());
        } else {
            dirs.addAll(idx.paths());
        }
        List<String> out = new ArrayList<>();
        for (String d : dirs) {
            String s = d.replaceAll("^/+", "").replaceAll("/+$", "");
            if (!s.isEmpty()) {
                out.add(s);
            }
        }
        return out;
    }

    public static VolumeRemap plan(Repository repo, SnapshotIndex idx, Selection selection, Path root)
            throws IOException {
        List<String> dataDirs = dataDirs(idx);
        Map<String, Set<String>> archived = archivedVolumes(repo, idx, selection, dataDirs);
        return plan(archived, root);
    }

    /** {@code archived}: per data directory (stored form), the volume folder names in the snapshot. */
    static VolumeRemap plan(Map<String, Set<String>> archived, Path root) throws IOException {
        List<VolumeRemap.Mapping> mappings = new ArrayList<>();
        for (Map.Entry<String, Set<String>> e : archived.entrySet()) {
            String dataDir = e.getKey();
            Map<String, List<String>> existing = existingByPrefix(root.resolve(dataDir));
            Map<String, String> claimedBy = new HashMap<>();
            for (String from : e.getValue()) {
                VolumeName v = VolumeName.parse(from);
                List<String> candidates = existing.getOrDefault(v.prefix(), List.of());
                String to;
                if (candidates.contains(from)) {
                    to = from;
                } else if (candidates.size() == 1) {
                    to = candidates.get(0);
                } else if (candidates.isEmpty()) {
                    to = null;
                } else {
                    throw new AmbiguousRemapException("cannot remap /" + dataDir + "/" + from + ": "
                            + candidates.size() + " folders at the target start with " + v.prefix() + " ("
                            + String.join(", ", candidates) + "); remove the orphaned ones first");
                }
                String wrote = to == null ? from : to;
                String other = claimedBy.putIfAbsent(wrote, from);
                if (other != null) {
                    throw new AmbiguousRemapException("cannot remap: both /" + dataDir + "/" + other + " and /"
                            + dataDir + "/" + from + " in the snapshot would go to " + wrote
                            + "; restore one of them with --path");
                }
                mappings.add(new VolumeRemap.Mapping(dataDir, from, to));
            }
        }
        return new VolumeRemap(mappings);
    }

    /** Volume folders (real directories, not symlinks) directly below {@code dir}, by prefix, sorted. */
    private static Map<String, List<String>> existingByPrefix(Path dir) throws IOException {
        Map<String, List<String>> byPrefix = new HashMap<>();
        if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
            return byPrefix;
        }
        try (DirectoryStream<Path> s = Files.newDirectoryStream(dir)) {
            for (Path p : s) {
                VolumeName v = VolumeName.parse(p.getFileName().toString());
                if (v != null && Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
                    byPrefix.computeIfAbsent(v.prefix(), k -> new ArrayList<>()).add(v.name());
                }
            }
        } catch (NoSuchFileException e) {
            return byPrefix;
        }
        byPrefix.values().forEach(l -> l.sort(null));
        return byPrefix;
    }

    /** The volume folders that selected records of the snapshot lie in, per data directory. */
    private static Map<String, Set<String>> archivedVolumes(Repository repo, SnapshotIndex idx, Selection selection,
                                                            List<String> dataDirs) throws IOException {
        Map<String, Set<String>> out = new TreeMap<>();
        try (ManifestReader mr = RestoreOperation.openManifest(repo, idx)) {
            ManifestRecord r;
            while ((r = mr.read()) != null) {
                if (!selection.includes(r.path())) {
                    continue;
                }
                for (String d : dataDirs) {
                    String name = volumeBelow(d, r.path());
                    if (name != null) {
                        out.computeIfAbsent(d, k -> new TreeSet<>()).add(name);
                    }
                }
            }
        }
        return out;
    }

    /** The volume folder name {@code path} lies in (or is) directly below {@code dataDir}, else null. */
    static String volumeBelow(String dataDir, String path) {
        if (!path.startsWith(dataDir) || path.length() <= dataDir.length() + 1
                || path.charAt(dataDir.length()) != '/') {
            return null;
        }
        int start = dataDir.length() + 1;
        int end = path.indexOf('/', start);
        String name = end < 0 ? path.substring(start) : path.substring(start, end);
        return VolumeName.parse(name) == null ? null : name;
    }
}

package org.karchive.app.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.karchive.app.kaapana.FreshInstallConflictException;
import org.karchive.app.kaapana.RemapPlanner;
import org.karchive.app.kaapana.VolumeRemap;
import org.karchive.app.ops.RestoreOperation;
import org.karchive.app.ops.Selection;
import org.karchive.app.repo.Repository;
import org.karchive.app.repo.SnapshotIndex;
import org.karchive.format.Extractor;
import org.karchive.format.RestoreConflictException;
import org.karchive.store.ObjectStore;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "restore", mixinStandardHelpOptions = true,
        description = "Restore a snapshot below a target directory or in place.")
public final class RestoreCommand extends BaseCommand {
    static final class Where {
        @Option(names = "--target", paramLabel = "DIR", required = true,
                description = "Recreate the archived paths below DIR (DIR/home/kaapana/...).")
        Path target;

        @Option(names = "--in-place", required = true, description = "Restore to the original absolute paths.")
        boolean inPlace;
    }

    @ArgGroup(exclusive = true, multiplicity = "1")
    Where where;

    @Option(names = "--path", paramLabel = "P", description = "Restore only this subtree (repeatable).")
    List<String> paths = new ArrayList<>();

    @Option(names = "--include", paramLabel = "GLOB",
            description = "Restore only matching entries (a name pattern, or a path pattern with '/').")
    List<String> includes = new ArrayList<>();

    @Option(names = "--exclude", paramLabel = "GLOB", description = "Do not restore matching entries.")
    List<String> excludes = new ArrayList<>();

    @Option(names = "--overwrite", description = "Replace existing files.")
    boolean overwrite;

    @Option(names = "--preserve-setid", description = "Restore setuid/setgid bits (dropped by default).")
    boolean preserveSetid;

    @Option(names = "--kaapana-remap",
            description = "Restore each archived <namespace>-<pvc>-pvc-<uuid> volume folder into the existing folder "
                    + "with the same <namespace>-<pvc>- prefix (after a Kaapana reinstall); prints the mapping first. "
                    + "Data dirs: those of archive --kaapana, else the archived PATHs.")
    boolean kaapanaRemap;

    @Option(names = "--dry-run", description = "Check and print what would be restored (and the remap); write nothing.")
    boolean dryRun;

    @Parameters(paramLabel = "SNAPSHOT", arity = "0..1", description = "Snapshot id or prefix (default: latest).")
    String snapshot;

    @Option(names = "--expect", paramLabel = "SHA256",
            description = "The snapshot's index must have this SHA-256 (the \"index sha256\" archive printed, kept "
                    + "outside the bucket); otherwise refuse it (exit 4) before anything is written.")
    String expect;

    @Override
    public Integer call() throws Exception {
        Path target = where.inPlace ? Path.of("/") : where.target;
        Extractor.Options opts = Extractor.Options.defaults().withOverwrite(overwrite)
                .withPreserveSetid(preserveSetid);
        Selection selection = Selection.of(paths, includes, excludes);
        org.karchive.app.repo.IndexAnchor anchor = anchor(expect);
        try (ObjectStore store = openStore(); Progress progress = new Progress(global(), "restore")) {
            Repository repo = openRepository(store);
            String id = repo.resolve(snapshot);
            SnapshotIndex idx = repo.readIndex(id, anchor);
            VolumeRemap remap = null;
            if (kaapanaRemap) {
                remap = RemapPlanner.plan(repo, idx, selection, target.toAbsolutePath().normalize());
                printRemap(remap);
            }
            RestoreOperation.Report rep;
            try {
                rep = new RestoreOperation(repo, opts, new Extractor.Listener() {
                    @Override
                    public void restored(org.karchive.format.ManifestRecord r) {
                        progress.step(r.size(), r.path());
                    }
                }).withMapper(remap).withDryRun(dryRun).withAnchor(anchor).run(id, target, selection);
            } catch (RestoreConflictException e) {
                if (kaapanaRemap || idx.kaapana() != null) {
                    throw new FreshInstallConflictException(e);
                }
                throw e;
            }
            Map<String, Object> doc = new LinkedHashMap<>();
            doc.put("snapshot", rep.snapshot());
            doc.put("files", rep.files());
            doc.put("bytes", rep.bytes());
            doc.put("entries", rep.entries());
            doc.put("target", target.toAbsolutePath().toString());
            doc.put("dryRun", dryRun);
            if (remap != null) {
                List<Map<String, Object>> list = new ArrayList<>();
                for (VolumeRemap.Mapping m : remap.mappings()) {
                    Map<String, Object> e = new LinkedHashMap<>();
                    e.put("dataDir", "/" + m.dataDir());
                    e.put("from", m.from());
                    e.put("to", m.target());
                    e.put("matched", m.matched());
                    list.add(e);
                }
                doc.put("remap", list);
            }
            output().result(doc, String.format("%s snapshot %s: %d files, %s, %d entries into %s%s",
                    dryRun ? "dry run: would restore" : "restored", rep.snapshot(), rep.files(),
                    Sizes.human(rep.bytes()), rep.entries(), target.toAbsolutePath(),
                    dryRun ? " (nothing written)" : ""));
            return 0;
        }
    }

    /** The mapping on stderr, before anything is written (also with --json; not with --quiet). */
    private void printRemap(VolumeRemap remap) {
        StringBuilder b = new StringBuilder();
        if (remap.mappings().isEmpty()) {
            b.append("kaapana remap: the snapshot holds no <namespace>-<pvc>-pvc-<uuid> volume folders\n");
        } else {
            b.append("kaapana remap (archived volume -> folder at the target):\n");
        }
        List<String> unmatched = new ArrayList<>();
        for (VolumeRemap.Mapping m : remap.mappings()) {
            if (!m.matched()) {
                unmatched.add("  /" + m.dataDir() + "/" + m.from());
            } else if (m.to().equals(m.from())) {
                b.append("  /").append(m.dataDir()).append('/').append(m.from()).append(" -> (same name)\n");
            } else {
                b.append("  /").append(m.dataDir()).append('/').append(m.from()).append(" -> ").append(m.to())
                        .append('\n');
            }
        }
        if (!unmatched.isEmpty()) {
            b.append("no folder with the same prefix at the target; restored under the old name:\n");
            unmatched.forEach(u -> b.append(u).append('\n'));
        }
        output().message(b.toString());
    }
}

package org.karchive.app.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.karchive.app.ops.RestoreOperation;
import org.karchive.app.ops.Selection;
import org.karchive.app.repo.Repository;
import org.karchive.format.Extractor;
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

    @Parameters(paramLabel = "SNAPSHOT", arity = "0..1", description = "Snapshot id or prefix (default: latest).")
    String snapshot;

    @Override
    public Integer call() throws Exception {
        Path target = where.inPlace ? Path.of("/") : where.target;
        Extractor.Options opts = Extractor.Options.defaults().withOverwrite(overwrite)
                .withPreserveSetid(preserveSetid);
        try (ObjectStore store = openStore(); Progress progress = new Progress(global(), "restore")) {
            Repository repo = openRepository(store);
            RestoreOperation.Report rep = new RestoreOperation(repo, opts, new Extractor.Listener() {
                @Override
                public void restored(org.karchive.format.ManifestRecord r) {
                    progress.step(r.size(), r.path());
                }
            }).run(snapshot, target, Selection.of(paths, includes, excludes));
            Map<String, Object> doc = new LinkedHashMap<>();
            doc.put("snapshot", rep.snapshot());
            doc.put("files", rep.files());
            doc.put("bytes", rep.bytes());
            doc.put("entries", rep.entries());
            doc.put("target", target.toAbsolutePath().toString());
            output().result(doc, String.format("restored snapshot %s: %d files, %s, %d entries into %s",
                    rep.snapshot(), rep.files(), Sizes.human(rep.bytes()), rep.entries(), target.toAbsolutePath()));
            return 0;
        }
    }
}

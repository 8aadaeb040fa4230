package org.karchive.app.cli;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.karchive.app.ExitCode;
import org.karchive.app.ops.Problem;
import org.karchive.app.ops.VerifyOperation;
import org.karchive.store.ObjectStore;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "verify", mixinStandardHelpOptions = true,
        description = "Check that a snapshot is complete and undamaged (exit 4 when it is not).")
public final class VerifyCommand extends BaseCommand {
    static final class Mode {
        @Option(names = "--quick", description = "Check presence and sizes only.")
        boolean quick;

        @Option(names = "--read-data", description = "Download and hash every object (the default).")
        boolean readData;

        @Option(names = "--local", paramLabel = "ROOT",
                description = "Compare the tree at ROOT (laid out like a --target restore) with the manifest.")
        Path local;
    }

    @ArgGroup(exclusive = true)
    Mode mode;

    @Parameters(paramLabel = "SNAPSHOT", arity = "0..1", description = "Snapshot id or prefix (default: latest).")
    String snapshot;

    @Option(names = "--expect", paramLabel = "SHA256",
            description = "The snapshot's index must have this SHA-256 (the \"index sha256\" archive printed, kept "
                    + "outside the bucket); otherwise refuse it (exit 4) before anything is checked.")
    String expect;

    @Override
    public Integer call() throws Exception {
        VerifyOperation.Mode m = VerifyOperation.Mode.FULL;
        Path local = null;
        if (mode != null && mode.quick) {
            m = VerifyOperation.Mode.QUICK;
        } else if (mode != null && mode.local != null) {
            m = VerifyOperation.Mode.LOCAL;
            local = mode.local;
        }
        org.karchive.app.repo.IndexAnchor anchor = anchor(expect);
        try (ObjectStore store = openStore(); Progress progress = new Progress(global(), "verify")) {
            VerifyOperation.Report rep = new VerifyOperation(openRepository(store), new VerifyOperation.Listener() {
                @Override
                public void started(long totalBytes) {
                    progress.begin(totalBytes);
                }

                @Override
                public void progress(long bytes, String what) {
                    progress.step(bytes, what);
                }
            }).withAnchor(anchor).run(snapshot, m, local);
            Map<String, Object> doc = new LinkedHashMap<>();
            doc.put("snapshot", rep.snapshot());
            doc.put("ok", rep.ok());
            doc.put("problems", rep.problems());
            doc.put("objects", rep.objects());
            doc.put("entries", rep.entries());
            doc.put("bytesRead", rep.bytesRead());
            StringBuilder text = new StringBuilder();
            for (Problem p : rep.problems()) {
                text.append(p.kind()).append(": ").append(p.object() != null ? p.object() : "/" + p.path())
                        .append(": ").append(p.detail()).append('\n');
            }
            text.append(rep.ok() ? "snapshot " + rep.snapshot() + " is OK" : "snapshot " + rep.snapshot() + ": "
                    + rep.problems().size() + " problem(s)");
            if (rep.ok()) {
                text.append(String.format(" (%d objects, %d entries, %s read)", rep.objects(), rep.entries(),
                        Sizes.human(rep.bytesRead())));
            }
            output().result(doc, text.toString());
            return rep.ok() ? ExitCode.OK.code() : ExitCode.VERIFY_FAILED.code();
        }
    }
}

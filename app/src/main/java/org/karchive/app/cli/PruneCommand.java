package org.karchive.app.cli;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.karchive.app.ops.PruneOperation;
import org.karchive.store.ObjectStore;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "prune", mixinStandardHelpOptions = true,
        description = "Delete chunks and manifests no snapshot references, and stale incomplete uploads.")
public final class PruneCommand extends BaseCommand {
    @Option(names = "--grace", paramLabel = "DURATION", defaultValue = "24h", converter = DurationConverter.class,
            description = "Keep unreferenced objects younger than this (default ${DEFAULT-VALUE}): "
                    + "they may belong to a running archive.")
    Duration grace;

    @Option(names = "--dry-run", description = "Only list what would be deleted.")
    boolean dryRun;

    @Override
    public Integer call() throws Exception {
        try (ObjectStore store = openStore()) {
            PruneOperation.Report rep = new PruneOperation(openRepository(store)).run(grace, dryRun);
            output().result(doc(rep), text(rep));
            return 0;
        }
    }

    static Map<String, Object> doc(PruneOperation.Report rep) {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("dryRun", rep.dryRun());
        d.put("deleted", rep.deleted());
        d.put("deletedBytes", rep.deletedBytes());
        d.put("abortedUploads", rep.abortedUploads());
        d.put("kept", rep.kept());
        d.put("keptYoung", rep.young());
        d.put("liveRuns", rep.liveRuns());
        return d;
    }

    static String text(PruneOperation.Report rep) {
        StringBuilder sb = new StringBuilder();
        if (!rep.liveRuns().isEmpty()) {
            sb.append("archive run(s) in progress: ").append(rep.liveRuns())
                    .append("; nothing pruned (run prune again when they have finished)\n");
        }
        sb.append(String.format("%s %d object(s), %s; aborted %d incomplete upload(s); kept %d referenced and %d "
                        + "recent unreferenced object(s)", rep.dryRun() ? "would delete" : "deleted",
                rep.deleted().size(), Sizes.human(rep.deletedBytes()), rep.abortedUploads().size(), rep.kept(),
                rep.young()));
        return sb.toString();
    }
}

package org.karchive.app.cli;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.karchive.app.UsageException;
import org.karchive.app.ops.ForgetOperation;
import org.karchive.app.ops.PruneOperation;
import org.karchive.app.ops.Retention;
import org.karchive.app.repo.Repository;
import org.karchive.store.ObjectStore;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "forget", mixinStandardHelpOptions = true,
        description = "Remove snapshots a retention policy does not keep (restic's semantics, per host and paths).")
public final class ForgetCommand extends BaseCommand {
    @Option(names = "--keep-last", paramLabel = "N", description = "Keep the N newest snapshots.")
    int last;
    @Option(names = "--keep-hourly", paramLabel = "N", description = "Keep the newest of each of the last N hours.")
    int hourly;
    @Option(names = "--keep-daily", paramLabel = "N", description = "Keep the newest of each of the last N days.")
    int daily;
    @Option(names = "--keep-weekly", paramLabel = "N", description = "Keep the newest of each of the last N weeks.")
    int weekly;
    @Option(names = "--keep-monthly", paramLabel = "N", description = "Keep the newest of each of the last N months.")
    int monthly;
    @Option(names = "--keep-yearly", paramLabel = "N", description = "Keep the newest of each of the last N years.")
    int yearly;
    @Option(names = "--dry-run", description = "Only show what would be removed.")
    boolean dryRun;
    @Option(names = "--prune", description = "Prune unreferenced data right after.")
    boolean prune;
    @Option(names = "--grace", paramLabel = "DURATION", defaultValue = "24h", converter = DurationConverter.class,
            description = "Grace period for --prune (default ${DEFAULT-VALUE}).")
    Duration grace;

    @Override
    public Integer call() throws Exception {
        Retention policy;
        try {
            policy = new Retention(last, hourly, daily, weekly, monthly, yearly);
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
        if (policy.empty()) {
            throw new UsageException("forget needs at least one --keep-* option (it would remove every snapshot)");
        }
        try (ObjectStore store = openStore()) {
            Repository repo = openRepository(store);
            List<Retention.Decision> decisions = new ForgetOperation(repo).run(policy, dryRun);
            List<Map<String, Object>> keep = new ArrayList<>();
            List<String> remove = new ArrayList<>();
            StringBuilder text = new StringBuilder();
            for (Retention.Decision d : decisions) {
                if (d.keep()) {
                    keep.add(Map.of("id", d.item().id(), "reasons", d.reasons()));
                    text.append("keep   ").append(d.item().id()).append("  ").append(String.join(",", d.reasons()))
                            .append('\n');
                } else {
                    remove.add(d.item().id());
                    text.append(dryRun ? "would remove " : "remove ").append(d.item().id()).append('\n');
                }
            }
            Map<String, Object> doc = new LinkedHashMap<>();
            doc.put("dryRun", dryRun);
            doc.put("keep", keep);
            doc.put("remove", remove);
            if (prune && !dryRun) {
                PruneOperation.Report rep = new PruneOperation(repo).run(grace, false);
                doc.put("prune", PruneCommand.doc(rep));
                text.append(PruneCommand.text(rep)).append('\n');
            }
            output().result(doc, text.toString());
            return 0;
        }
    }
}

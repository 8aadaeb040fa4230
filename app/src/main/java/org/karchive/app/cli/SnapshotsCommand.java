package org.karchive.app.cli;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.karchive.app.repo.Repository;
import org.karchive.app.repo.SnapshotIndex;
import org.karchive.store.ObjectStore;
import picocli.CommandLine.Command;

@Command(name = "snapshots", mixinStandardHelpOptions = true, description = "List the snapshots, oldest first.")
public final class SnapshotsCommand extends BaseCommand {
    @Override
    public Integer call() throws Exception {
        try (ObjectStore store = openStore()) {
            Repository repo = openRepository(store);
            List<Map<String, Object>> docs = new ArrayList<>();
            StringBuilder text = new StringBuilder(String.format("%-22s  %-24s  %-16s %10s %12s  %s%n", "ID", "TIME",
                    "HOST", "FILES", "SIZE", "PATHS"));
            for (String id : repo.snapshotIds()) {
                SnapshotIndex idx = repo.readIndex(id);
                Map<String, Object> d = new LinkedHashMap<>();
                d.put("id", idx.id());
                d.put("time", idx.time());
                d.put("host", idx.host());
                d.put("paths", idx.paths());
                d.put("files", idx.totals().files());
                d.put("bytes", idx.totals().bytes());
                d.put("storedBytes", idx.totals().storedBytes());
                d.put("tags", idx.tags());
                docs.add(d);
                text.append(String.format("%-22s  %-24s  %-16s %10d %12s  %s%n", idx.id(), idx.time(), idx.host(),
                        idx.totals().files(), Sizes.human(idx.totals().bytes()), String.join(" ", idx.paths())));
            }
            output().result(docs, text.toString());
            return 0;
        }
    }
}

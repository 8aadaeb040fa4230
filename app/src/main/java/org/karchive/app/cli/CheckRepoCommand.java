package org.karchive.app.cli;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.karchive.app.ops.StoreCheck;
import org.karchive.store.ObjectStore;
import org.karchive.store.StoreConfig;
import picocli.CommandLine.Command;

@Command(name = "check-repo", mixinStandardHelpOptions = true,
        description = "Check in one screen that an endpoint and credentials work with karchive "
                + "(small and multipart put, range get, list, delete, abort; self-cleaning).")
public final class CheckRepoCommand extends BaseCommand {
    @Override
    public Integer call() throws Exception {
        // the smallest part size S3 allows, so a 12 MiB object needs three parts
        StoreConfig config = main.s3().config().withPartSize(StoreConfig.MIN_PART_SIZE);
        List<StoreCheck.Step> steps;
        try (ObjectStore store = RepoOpener.open(global().repo, config)) {
            steps = new StoreCheck(store, 12L << 20).run();
            boolean ok = steps.stream().allMatch(StoreCheck.Step::ok);
            Map<String, Object> doc = new LinkedHashMap<>();
            doc.put("repo", store.describe());
            doc.put("client", config.client().name().toLowerCase(java.util.Locale.ROOT));
            doc.put("checksumMode", config.checksumMode().name().toLowerCase(java.util.Locale.ROOT));
            doc.put("ok", ok);
            doc.put("steps", steps);
            StringBuilder text = new StringBuilder("checking " + store.describe() + " with the "
                    + doc.get("client") + " client, checksum mode " + doc.get("checksumMode") + "\n");
            for (StoreCheck.Step s : steps) {
                text.append(String.format("  %-4s %-22s %6d ms  %s%n", s.ok() ? "ok" : "FAIL", s.name(), s.millis(),
                        s.detail()));
            }
            text.append(ok ? "the store works with karchive" : "the store does NOT work with karchive as configured;"
                    + " if uploads fail on a non-AWS store, try --checksum-mode md5 (and --path-style true)");
            output().result(doc, text.toString());
            return ok ? 0 : 1;
        }
    }
}

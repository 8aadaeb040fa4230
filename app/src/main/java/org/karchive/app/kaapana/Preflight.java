package org.karchive.app.kaapana;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Checks that Kaapana is undeployed before a backup: no PostgreSQL cluster running below the data
 * directories and no Kaapana pods left according to kubectl (when it exists). Copies of running
 * PostgreSQL, LMDB, Lucene and MinIO data are inconsistent.
 */
public final class Preflight {
    private final Consumer<String> verbose;

    /** {@code verbose}: details shown with --verbose (what was checked, why kubectl said nothing). */
    public Preflight(Consumer<String> verbose) {
        this.verbose = verbose;
    }

    /** The reasons the platform looks alive; empty when it looks undeployed. */
    public List<String> findSignsOfLife(KaapanaDirs dirs) throws IOException, InterruptedException {
        List<String> reasons = new ArrayList<>();
        for (Path pid : PostgresProbe.runningPostmasters(dirs.roots())) {
            reasons.add("PostgreSQL is running: " + pid + " exists");
        }
        String kubectl = KubectlProbe.executable();
        if (kubectl == null) {
            verbose.accept("kubectl not found on the PATH: pods not checked");
        } else {
            KubectlProbe.Result r = KubectlProbe.query(kubectl);
            if (r.unavailable() != null) {
                verbose.accept("kubectl could not reach a cluster (" + r.unavailable()
                        + "); taking that as no Kaapana pods running");
            } else if (!r.pods().isEmpty()) {
                List<KubectlProbe.Pod> pods = r.pods();
                reasons.add(pods.size() + " Kaapana pod(s) still exist according to " + kubectl + ": "
                        + String.join(", ", pods.stream().limit(5).map(Object::toString).toList())
                        + (pods.size() > 5 ? ", ..." : ""));
            } else {
                verbose.accept("kubectl lists no Kaapana pods");
            }
        }
        return reasons;
    }

    /** Throws {@link KaapanaAliveException} explaining what runs and what to do. */
    public void requireCold(KaapanaDirs dirs) throws IOException, InterruptedException {
        List<String> reasons = findSignsOfLife(dirs);
        if (!reasons.isEmpty()) {
            throw new KaapanaAliveException("Kaapana looks alive, refusing a hot backup (copies of running "
                    + "databases are inconsistent): " + String.join("; ", reasons)
                    + ". Undeploy first (kaapanactl.sh / deploy_platform.sh --undeploy) and wait until "
                    + "'kubectl get pods -A' lists no pods in services, admin and project-*; "
                    + "--allow-hot overrides and marks the snapshot hot.");
        }
    }
}

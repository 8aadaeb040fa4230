package org.karchive.app.kaapana;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The small pieces: volume names, the path mapping, kubectl output, data dir resolution. */
class KaapanaUnitsTest {
    static final String OLD = "services-minio-pvc-0b7f5e3c-1d2a-4c9b-8e6f-5a4b3c2d1e0f";
    static final String NEW = "services-minio-pvc-9c8b7a6d-5e4f-4a3b-9c2d-1e0f9a8b7c6d";

    @TempDir
    Path tmp;

    @Test
    void volumeNames() {
        VolumeName v = VolumeName.parse("admin-keycloak-pv-claim-pvc-0b7f5e3c-1d2a-4c9b-8e6f-5a4b3c2d1e0f");
        assertThat(v.prefix()).isEqualTo("admin-keycloak-pv-claim-");
        assertThat(v.uuid()).isEqualTo("0b7f5e3c-1d2a-4c9b-8e6f-5a4b3c2d1e0f");
        assertThat(VolumeName.parse("workflows")).isNull();
        assertThat(VolumeName.parse("pvc-0b7f5e3c-1d2a-4c9b-8e6f-5a4b3c2d1e0f")).isNull();
        assertThat(VolumeName.parse("x-pvc-0B7F5E3C-1D2A-4C9B-8E6F-5A4B3C2D1E0F")).isNull();
        assertThat(VolumeName.parse(OLD + "-copy")).isNull();
    }

    @Test
    void onlyTheVolumeFolderDirectlyBelowADataDirIsRenamed() {
        VolumeRemap remap = new VolumeRemap(List.of(new VolumeRemap.Mapping("home/kaapana", OLD, NEW),
                new VolumeRemap.Mapping("home/kaapana", "admin-tls-pvc-0b7f5e3c-1d2a-4c9b-8e6f-5a4b3c2d1e0a", null)));
        assertThat(remap.map("home/kaapana/" + OLD)).isEqualTo("home/kaapana/" + NEW);
        assertThat(remap.map("home/kaapana/" + OLD + "/uploads/x/xl.meta"))
                .isEqualTo("home/kaapana/" + NEW + "/uploads/x/xl.meta");
        assertThat(remap.map("home/kaapana/other/" + OLD + "/f")).isEqualTo("home/kaapana/other/" + OLD + "/f");
        assertThat(remap.map("home/kaapana/" + OLD + "-2/f")).isEqualTo("home/kaapana/" + OLD + "-2/f");
        assertThat(remap.map("home/kaapana")).isEqualTo("home/kaapana");
        assertThat(remap.map("home/kaapana/admin-tls-pvc-0b7f5e3c-1d2a-4c9b-8e6f-5a4b3c2d1e0a/tls.crt"))
                .isEqualTo("home/kaapana/admin-tls-pvc-0b7f5e3c-1d2a-4c9b-8e6f-5a4b3c2d1e0a/tls.crt");
    }

    @Test
    void planningMatchesByPrefixAndNeverFollowsSymlinks() throws Exception {
        Path data = Files.createDirectories(tmp.resolve("t/home/kaapana"));
        Files.createDirectory(data.resolve(NEW));
        String tls = "admin-tls-pvc-11111111-2222-4333-8444-555555555555";
        Files.createDirectory(tmp.resolve("elsewhere"));
        Files.createSymbolicLink(data.resolve("admin-tls-pvc-66666666-2222-4333-8444-555555555555"),
                tmp.resolve("elsewhere"));
        Set<String> archived = new TreeSet<>(List.of(OLD, tls));
        VolumeRemap remap = RemapPlanner.plan(Map.of("home/kaapana", archived), tmp.resolve("t"));
        assertThat(remap.mappings()).containsExactly(new VolumeRemap.Mapping("home/kaapana", tls, null),
                new VolumeRemap.Mapping("home/kaapana", OLD, NEW));
        // a missing data dir at the target: nothing matches, nothing fails
        VolumeRemap none = RemapPlanner.plan(Map.of("srv/kaapana", archived), tmp.resolve("t"));
        assertThat(none.mappings()).allSatisfy(m -> assertThat(m.matched()).isFalse());
    }

    @Test
    void twoArchivedVolumesIntoOneFolderAreRefused() throws Exception {
        Path data = Files.createDirectories(tmp.resolve("t/home/kaapana"));
        Files.createDirectory(data.resolve(NEW));
        String older = "services-minio-pvc-00000000-1d2a-4c9b-8e6f-5a4b3c2d1e0f";
        assertThatThrownBy(() -> RemapPlanner.plan(Map.of("home/kaapana", new TreeSet<>(List.of(OLD, older))),
                tmp.resolve("t"))).isInstanceOf(AmbiguousRemapException.class).hasMessageContaining(NEW)
                .hasMessageContaining("--path");
    }

    @Test
    void kubectlLinesOfKaapanaPodsThatStillRun() {
        String out = "kube-system   coredns-1   1/1   Running   0   1d\n"
                + "services   minio-0   1/1   Running   0   1d\n"
                + "admin   cert-init-x   0/1   Completed   0   1d\n"
                + "project-demo   job-1   0/1   Error   0   1d\n"
                + "my-kaapana-extras   ui-2   1/1   Terminating   0   1d\n"
                + "\n";
        assertThat(KubectlProbe.kaapanaPods(out)).extracting(Object::toString)
                .containsExactly("services/minio-0 (Running)", "my-kaapana-extras/ui-2 (Terminating)");
    }

    @Test
    void dataDirsFromOptionsThenEnvironmentThenDefault() throws Exception {
        KaapanaDirs d = KaapanaDirs.resolve(null, Path.of("/srv/slow/"), Map.of("FAST_DATA_DIR", "/data/fast",
                "SLOW_DATA_DIR", "/ignored"));
        assertThat(d.fast()).isEqualTo(Path.of("/data/fast"));
        assertThat(d.slow()).isEqualTo(Path.of("/srv/slow"));
        assertThat(d.roots()).containsExactly(Path.of("/data/fast"), Path.of("/srv/slow"));
        KaapanaDirs def = KaapanaDirs.resolve(null, null, Map.of());
        assertThat(def.roots()).containsExactly(Path.of(KaapanaDirs.DEFAULT));
        Files.writeString(tmp.resolve("version"), "  0.6.1\nsecond line\n");
        assertThat(KaapanaDirs.resolve(tmp, tmp, Map.of()).version()).isEqualTo("0.6.1");
        assertThat(KaapanaDirs.resolve(tmp.resolve("nope"), tmp, Map.of()).version()).isNull();
    }
}

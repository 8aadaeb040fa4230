package org.karchive.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * No Docker engine runs here, so the packaging files are checked by reading: they parse, and the
 * command lines they run are valid karchive command lines with the options they mean.
 */
class PackagingFilesTest {
    static final Path ROOT = Path.of(System.getProperty("basedir", ".")).toAbsolutePath().normalize().getParent();
    static final YAMLMapper YAML = new YAMLMapper();

    private static List<JsonNode> documents(Path file) throws Exception {
        List<JsonNode> docs = new ArrayList<>();
        try (MappingIterator<JsonNode> it = YAML.readerFor(JsonNode.class).readValues(file.toFile())) {
            while (it.hasNext()) {
                JsonNode n = it.next();
                if (n != null && !n.isNull() && !n.isMissingNode()) {
                    docs.add(n);
                }
            }
        }
        return docs;
    }

    private static List<String> strings(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }

    /** Parses a karchive command line as Main would and returns the subcommand's parse result. */
    private static CommandLine.ParseResult parse(List<String> args) {
        CommandLine.ParseResult top = new CommandLine(new Main()).parseArgs(args.toArray(String[]::new));
        assertThat(top.hasSubcommand()).as("%s names a command", args).isTrue();
        return top.subcommand();
    }

    private static Map<String, String> env(JsonNode container) {
        Map<String, String> env = new HashMap<>();
        for (JsonNode e : container.path("env")) {
            env.put(e.get("name").asText(), e.has("value") ? e.get("value").asText() : "(from "
                    + e.get("valueFrom").fieldNames().next() + ")");
        }
        return env;
    }

    @Test
    void kubernetesJobAndCronJobArchiveTheHostPathsAsRoot() throws Exception {
        List<JsonNode> docs = documents(ROOT.resolve("deploy/kubernetes/karchive-job.yaml"));
        List<JsonNode> pods = new ArrayList<>();
        for (JsonNode d : docs) {
            switch (d.get("kind").asText()) {
                case "Job" -> pods.add(d.at("/spec/template/spec"));
                case "CronJob" -> pods.add(d.at("/spec/jobTemplate/spec/template/spec"));
                default -> assertThat(d.get("kind").asText()).isEqualTo("Namespace");
            }
            String ns = d.at("/metadata/namespace").asText(d.at("/metadata/name").asText());
            assertThat(ns).as("not a namespace the preflight counts as Kaapana's").isEqualTo("karchive");
        }
        assertThat(pods).hasSize(2);
        for (JsonNode pod : pods) {
            assertThat(pod.at("/securityContext/runAsUser").asInt(-1)).isZero();
            assertThat(pod.get("restartPolicy").asText()).isEqualTo("Never");
            JsonNode c = pod.get("containers").get(0);
            assertThat(c.has("command")).as("the image's entrypoint is karchive").isFalse();
            CommandLine.ParseResult r = parse(strings(c.get("args")));
            assertThat(r.commandSpec().name()).isEqualTo("archive");
            assertThat(r.hasMatchedOption("--kaapana")).isTrue();
            assertThat(r.hasMatchedPositional(0)).isFalse();
            Map<String, String> env = env(c);
            assertThat(env.get("KARCHIVE_REPO")).startsWith("s3://");
            assertThat(env).containsKeys("FAST_DATA_DIR", "SLOW_DATA_DIR", "HOSTNAME");
            assertThat(c.at("/envFrom/0/secretRef/name").asText()).isEqualTo("karchive-s3");
            Map<String, JsonNode> volumes = new HashMap<>();
            pod.get("volumes").forEach(v -> volumes.put(v.get("name").asText(), v));
            List<String> mounted = new ArrayList<>();
            for (JsonNode m : c.get("volumeMounts")) {
                assertThat(m.get("readOnly").asBoolean()).as("archive mounts read-only").isTrue();
                JsonNode hostPath = volumes.get(m.get("name").asText()).get("hostPath");
                assertThat(hostPath.get("path").asText()).as("mounted at the host's own path")
                        .isEqualTo(m.get("mountPath").asText());
                mounted.add(m.get("mountPath").asText());
            }
            assertThat(mounted).contains(env.get("FAST_DATA_DIR"), env.get("SLOW_DATA_DIR"));
        }
    }

    @Test
    void composeArchivesReadOnlyWithCredentialsFromAnEnvFile() throws Exception {
        JsonNode compose = documents(ROOT.resolve("docker-compose.yml")).get(0);
        JsonNode archive = compose.at("/services/archive");
        CommandLine.ParseResult a = parse(strings(archive.get("command")));
        assertThat(a.commandSpec().name()).isEqualTo("archive");
        assertThat(a.hasMatchedOption("--kaapana")).isTrue();
        assertThat(strings(archive.get("volumes"))).isNotEmpty().allSatisfy(v -> assertThat(v).endsWith(":ro"));
        assertThat(archive.get("env_file").asText()).isEqualTo("karchive.env");
        assertThat(ROOT.resolve("karchive.env.example")).exists();
        for (String key : List.of("KARCHIVE_REPO", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY")) {
            assertThat(Files.readString(ROOT.resolve("karchive.env.example"))).contains(key + "=");
        }

        CommandLine.ParseResult r = parse(strings(compose.at("/services/restore/command")));
        assertThat(r.commandSpec().name()).isEqualTo("restore");
        assertThat(r.hasMatchedOption("--kaapana-remap")).isTrue();
        assertThat(r.hasMatchedOption("--in-place")).isTrue();
        assertThat(r.hasMatchedOption("--overwrite")).isTrue();
        assertThat(strings(compose.at("/services/restore/volumes"))).noneMatch(v -> v.endsWith(":ro"));
    }

    @Test
    void dockerfileBuildsTheJarAndRunsItAsTheEntrypoint() throws Exception {
        String df = Files.readString(ROOT.resolve("Dockerfile"), StandardCharsets.UTF_8);
        List<String> froms = df.lines().filter(l -> l.startsWith("FROM ")).toList();
        assertThat(froms).hasSize(2);
        assertThat(froms.get(0)).contains("maven").contains("17").contains(" AS build");
        assertThat(froms.get(1)).contains("17-jre");
        assertThat(df).contains("mvn -B -q -DskipTests package").contains("app/target/karchive.jar");
        String entry = df.lines().filter(l -> l.startsWith("ENTRYPOINT ")).findFirst().orElseThrow();
        JsonNode argv = YAML.readTree(entry.substring("ENTRYPOINT ".length()));
        assertThat(strings(argv)).startsWith("java").endsWith("-jar", "/opt/karchive/karchive.jar");
        assertThat(df).contains("COPY --from=build /karchive.jar /opt/karchive/karchive.jar");
        assertThat(ROOT.resolve("app/pom.xml")).content().contains("<finalName>karchive</finalName>");
    }

    @Test
    void aWrongOptionWouldBeCaught() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> parse(List.of("archive", "--kaapana", "--no-such")))
                .isInstanceOf(CommandLine.ParameterException.class);
    }
}

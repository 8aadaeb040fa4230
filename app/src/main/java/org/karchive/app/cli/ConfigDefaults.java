package org.karchive.app.cli;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import org.karchive.app.UsageException;
import picocli.CommandLine;

/**
 * Defaults for every option from the environment and a config file, so cron jobs and Kubernetes
 * need no long command lines. Precedence: command-line flag > environment > config file >
 * built-in default.
 * <ul>
 *   <li>Environment: {@code KARCHIVE_} plus the option's long name in upper case with '-' as '_'
 *       ({@code --chunk-size} → {@code KARCHIVE_CHUNK_SIZE}, {@code --repo} → {@code KARCHIVE_REPO}).</li>
 *   <li>Config file: {@code --config FILE}, else {@code $KARCHIVE_CONFIG}, else
 *       {@code ~/.config/karchive/config.properties} if it exists. Java properties, keys are long
 *       option names without dashes, optionally scoped by command: {@code chunk-size = 64MiB},
 *       {@code restore.overwrite = true}. Repeatable options take comma-separated values.</li>
 * </ul>
 * No secret is read from either: S3 credentials come only from the AWS default chain. A config
 * file that others may write is refused.
 */
public final class ConfigDefaults implements CommandLine.IDefaultValueProvider {
    private final Map<String, String> env;
    private final Properties file;

    private ConfigDefaults(Map<String, String> env, Properties file) {
        this.env = env;
        this.file = file;
    }

    /** Loads the config file named by {@code args}/the environment, or the default one if present. */
    public static ConfigDefaults load(String[] args, Map<String, String> env) {
        String explicit = null;
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--config") && i + 1 < args.length) {
                explicit = args[i + 1];
            } else if (args[i].startsWith("--config=")) {
                explicit = args[i].substring("--config=".length());
            }
        }
        if (explicit == null) {
            explicit = env.get("KARCHIVE_CONFIG");
        }
        Path path;
        if (explicit != null) {
            path = Path.of(explicit);
            if (!Files.isRegularFile(path)) {
                throw new UsageException("config file " + path + " does not exist");
            }
        } else {
            String home = env.getOrDefault("HOME", System.getProperty("user.home"));
            path = Path.of(home, ".config", "karchive", "config.properties");
            if (!Files.isRegularFile(path)) {
                return new ConfigDefaults(env, new Properties());
            }
        }
        Properties p = new Properties();
        try {
            Set<PosixFilePermission> perms = Files.getPosixFilePermissions(path, LinkOption.NOFOLLOW_LINKS);
            if (perms.contains(PosixFilePermission.OTHERS_WRITE) || perms.contains(PosixFilePermission.GROUP_WRITE)) {
                throw new UsageException("config file " + path + " is writable by others; refusing to use it "
                        + "(chmod go-w)");
            }
            try (Reader r = Files.newBufferedReader(path, StandardCharsets.UTF_8)) {
                p.load(r);
            }
        } catch (IOException e) {
            throw new UsageException("cannot read config file " + path + ": " + e.getMessage());
        }
        return new ConfigDefaults(env, p);
    }

    @Override
    public String defaultValue(CommandLine.Model.ArgSpec arg) {
        if (!(arg instanceof CommandLine.Model.OptionSpec opt)) {
            return null;
        }
        String name = opt.longestName();
        if (!name.startsWith("--") || name.equals("--config") || name.equals("--help") || name.equals("--version")) {
            return null;
        }
        String bare = name.substring(2);
        String fromEnv = env.get("KARCHIVE_" + bare.toUpperCase(Locale.ROOT).replace('-', '_'));
        if (fromEnv != null && !fromEnv.isEmpty()) {
            return fromEnv;
        }
        CommandLine.Model.CommandSpec cmd = opt.command();
        String scoped = cmd == null ? null : file.getProperty(cmd.name() + "." + bare);
        return scoped != null ? scoped.trim() : (file.getProperty(bare) == null ? null : file.getProperty(bare).trim());
    }
}

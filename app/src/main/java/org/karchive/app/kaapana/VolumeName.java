package org.karchive.app.kaapana;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A Kaapana 0.6+ volume folder name as the microk8s hostpath provisioner creates it,
 * {@code <namespace>-<pvc>-pvc-<uuid>}; {@link #prefix()} is {@code <namespace>-<pvc>-}, which
 * survives a reinstall while the uuid does not.
 */
public record VolumeName(String name, String prefix, String uuid) {
    private static final Pattern PV = Pattern.compile(
            "(.+-)pvc-([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})");

    /** The parsed name, or null when {@code name} is not a volume folder name. */
    public static VolumeName parse(String name) {
        Matcher m = PV.matcher(name);
        return m.matches() ? new VolumeName(name, m.group(1), m.group(2)) : null;
    }
}

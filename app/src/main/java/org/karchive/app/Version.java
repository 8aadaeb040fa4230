package org.karchive.app;

/** Version strings shown by --version and recorded in snapshots. */
public final class Version {
    private Version() {
    }

    public static final String VERSION = readVersion();

    private static String readVersion() {
        String v = Version.class.getPackage().getImplementationVersion();
        return v == null ? "dev" : v;
    }
}

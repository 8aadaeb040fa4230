package org.karchive.app.kaapana;

import java.io.IOException;
import org.karchive.format.RestoreConflictException;

/**
 * A Kaapana restore met existing files and {@code --overwrite} was not given: after a reinstall
 * (deploy once, undeploy) the volume folders hold the fresh install's databases (exit code 1).
 */
public class FreshInstallConflictException extends IOException {
    private static final long serialVersionUID = 1L;

    public FreshInstallConflictException(RestoreConflictException cause) {
        super(cause.getMessage().replace(" (use --overwrite)", "") + ": the target holds data of a Kaapana "
                + "install (a fresh deploy initialises PostgreSQL and LDAP); use --overwrite to replace it", cause);
    }
}

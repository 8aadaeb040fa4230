package org.karchive.app.kaapana;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Finds running PostgreSQL clusters below the data directories: a PGDATA directory (one holding
 * {@code PG_VERSION}) with a {@code postmaster.pid}, which exists only while the server runs.
 *
 * <p>Only the data directory itself, its children and its grandchildren are examined
 * ({@link #MAX_DEPTH} = 2), never the trees below them: Kaapana puts PGDATA at depth 1 up to 0.5
 * ({@code $FAST/<app>-postgres-data}, {@code $FAST/postgres-dcm4che}) and at depth 2 since 0.6
 * ({@code <ns>-<pvc>-pvc-<uuid>/data}, {@code .../postgres-dcm4che}). Going deeper would walk the
 * DICOM, MinIO and log trees (millions of entries) once more just before the archive walks them.
 * Symlinks are not followed.
 */
final class PostgresProbe {
    static final int MAX_DEPTH = 2;

    private PostgresProbe() {
    }

    /** The {@code postmaster.pid} files of running clusters, in directory order. */
    static List<Path> runningPostmasters(List<Path> dataDirs) throws IOException {
        List<Path> found = new ArrayList<>();
        for (Path d : dataDirs) {
            visit(d, 0, found);
        }
        return found;
    }

    private static void visit(Path dir, int depth, List<Path> found) throws IOException {
        if (Files.isRegularFile(dir.resolve("PG_VERSION"), LinkOption.NOFOLLOW_LINKS)) {
            Path pid = dir.resolve("postmaster.pid");
            if (Files.exists(pid, LinkOption.NOFOLLOW_LINKS)) {
                found.add(pid);
            }
            return;
        }
        if (depth >= MAX_DEPTH) {
            return;
        }
        List<Path> children = new ArrayList<>();
        try (DirectoryStream<Path> s = Files.newDirectoryStream(dir)) {
            for (Path c : s) {
                if (Files.isDirectory(c, LinkOption.NOFOLLOW_LINKS)) {
                    children.add(c);
                }
            }
        } catch (java.nio.file.AccessDeniedException e) {
            return; // the archive walk reports unreadable directories
        }
        children.sort(null);
        for (Path c : children) {
            visit(c, depth + 1, found);
        }
    }
}

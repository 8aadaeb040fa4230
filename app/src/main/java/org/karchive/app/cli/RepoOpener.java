package org.karchive.app.cli;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import org.karchive.app.UsageException;
import org.karchive.store.LocalDirectoryStore;
import org.karchive.store.ObjectStore;

/** Turns a repository URL into an {@link ObjectStore}. */
public final class RepoOpener {
    private RepoOpener() {
    }

    public static ObjectStore open(String url) throws IOException {
        if (url == null || url.isBlank()) {
            throw new UsageException("no repository: give --repo URL or set KARCHIVE_REPO");
        }
        if (url.startsWith("file:")) {
            URI u;
            try {
                u = URI.create(url);
            } catch (IllegalArgumentException e) {
                throw new UsageException("bad repository URL " + url + ": " + e.getMessage());
            }
            if (u.getPath() == null || !u.getPath().startsWith("/") || (u.getAuthority() != null
                    && !u.getAuthority().isEmpty())) {
                throw new UsageException("file repositories need an absolute path: file:///abs/path (got " + url + ")");
            }
            return new LocalDirectoryStore(Path.of(u.getPath()));
        }
        if (url.startsWith("s3://")) {
            throw new UsageException("s3:// repositories are not supported by this build yet");
        }
        throw new UsageException("unsupported repository URL " + url + " (use file:///abs/path or s3://bucket/prefix)");
    }
}

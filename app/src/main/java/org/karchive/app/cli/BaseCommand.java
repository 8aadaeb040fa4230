package org.karchive.app.cli;

import java.io.IOException;
import java.util.concurrent.Callable;
import org.karchive.app.Main;
import org.karchive.app.repo.Repository;
import org.karchive.store.ObjectStore;
import picocli.CommandLine.ParentCommand;

/** Shared plumbing of the subcommands: global options, output, opening the repository. */
public abstract class BaseCommand implements Callable<Integer> {
    @ParentCommand
    protected Main main;

    protected GlobalOptions global() {
        return main.global();
    }

    protected Output output() {
        return main.output();
    }

    /** Opens the store named by --repo; the caller closes it. */
    protected ObjectStore openStore() throws IOException {
        return org.karchive.store.ThrottledObjectStore.wrap(RepoOpener.open(global().repo, main.s3().config()),
                global().limitUpload, global().limitDownload);
    }

    protected Repository openRepository(ObjectStore store) throws IOException {
        return Repository.open(store);
    }
}

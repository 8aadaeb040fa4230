package org.karchive.app.cli;

import java.io.IOException;
import java.util.concurrent.Callable;
import org.karchive.app.Main;
import org.karchive.app.crypt.KeyMaterial;
import org.karchive.app.crypt.Keys;
import org.karchive.app.repo.IndexAnchor;
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
        return Repository.open(store, keys(java.util.List.of()));
    }

    /** The keys given: identities and passphrase (global options) and {@code encryptTo} recipients. */
    protected KeyMaterial keys(java.util.List<String> encryptTo) throws IOException {
        GlobalOptions g = global();
        return new KeyMaterial(Keys.recipients(encryptTo), Keys.identities(g.identities),
                g.passphraseFile == null ? null : Keys.passphrase(g.passphraseFile));
    }

    /** The index anchor: {@code expect} (may be null) and the HMAC key of --hmac-key-file. */
    protected IndexAnchor anchor(String expect) throws IOException {
        GlobalOptions g = global();
        return new IndexAnchor(expect, g.hmacKeyFile == null ? null : Keys.hmacKey(g.hmacKeyFile));
    }
}

package org.karchive.app.cli;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.karchive.app.ops.Listing;
import org.karchive.app.ops.Selection;
import org.karchive.format.EntryType;
import org.karchive.format.ManifestRecord;
import org.karchive.store.ObjectStore;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(name = "ls", mixinStandardHelpOptions = true,
        description = "List the entries of a snapshot (reads only its manifest).")
public final class LsCommand extends BaseCommand {
    @Parameters(index = "0", paramLabel = "SNAPSHOT", arity = "0..1", description = "Snapshot (default: latest).")
    String snapshot;

    @Parameters(index = "1", paramLabel = "PATH", arity = "0..1", description = "Only this subtree.")
    String path;

    @Override
    public Integer call() throws Exception {
        try (ObjectStore store = openStore()) {
            List<Map<String, Object>> docs = new ArrayList<>();
            StringBuilder text = new StringBuilder();
            boolean json = output().json();
            String id = new Listing(openRepository(store), anchor(null)).list(snapshot,
                    Selection.of(path == null ? List.of() : List.of(path)), r -> {
                        if (json) {
                            docs.add(doc(r));
                        } else {
                            text.append(line(r)).append('\n');
                        }
                    });
            output().verbose("snapshot " + id);
            output().result(docs, text.toString());
            return 0;
        }
    }

    private static Map<String, Object> doc(ManifestRecord r) {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("path", "/" + r.path());
        d.put("type", r.type().json());
        d.put("size", r.size());
        d.put("mode", String.format("%04o", r.mode()));
        d.put("uid", r.uid());
        d.put("gid", r.gid());
        d.put("user", r.user());
        d.put("group", r.group());
        d.put("mtime", Instant.ofEpochSecond(0, r.mtime()).toString());
        if (r.link() != null) {
            d.put("link", r.link());
        }
        return d;
    }

    static String line(ManifestRecord r) {
        char t = switch (r.type()) {
            case DIR -> 'd';
            case SYMLINK -> 'l';
            case HARDLINK -> 'h';
            default -> '-';
        };
        String owner = (r.user() != null ? r.user() : Long.toString(r.uid())) + "/"
                + (r.group() != null ? r.group() : Long.toString(r.gid()));
        String s = String.format("%c%s %-15s %12d %s /%s", t, perms(r.mode()), owner, r.size(),
                Instant.ofEpochSecond(0, r.mtime()), r.path());
        if (r.type() == EntryType.SYMLINK) {
            s += " -> " + r.link();
        } else if (r.type() == EntryType.HARDLINK) {
            s += " => /" + r.link();
        }
        return s;
    }

    static String perms(int mode) {
        char[] c = "rwxrwxrwx".toCharArray();
        for (int i = 0; i < 9; i++) {
            if ((mode & (1 << (8 - i))) == 0) {
                c[i] = '-';
            }
        }
        if ((mode & 04000) != 0) {
            c[2] = c[2] == 'x' ? 's' : 'S';
        }
        if ((mode & 02000) != 0) {
            c[5] = c[5] == 'x' ? 's' : 'S';
        }
        if ((mode & 01000) != 0) {
            c[8] = c[8] == 'x' ? 't' : 'T';
        }
        return new String(c);
    }
}

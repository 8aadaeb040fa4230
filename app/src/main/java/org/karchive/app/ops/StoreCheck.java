package org.karchive.app.ops;

import java.io.IOException;
import java.io.InputStream;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import org.karchive.format.Sha256;
import org.karchive.store.ObjectStore;
import org.karchive.store.ObjectWriter;
import org.karchive.store.StoredObject;

/**
 * A short, self-cleaning round trip through a user's store, exercising every operation karchive
 * needs (the same ones the contract suite checks): list, small put, multipart put, whole and range
 * get, stat, delete, and an aborted upload that must leave nothing behind. Everything happens below
 * a fresh {@code karchive-check-<random>/} prefix, which is removed at the end.
 */
public final class StoreCheck {

    /** One step's outcome. */
    public record Step(String name, boolean ok, long millis, String detail) {
    }

    private final ObjectStore store;
    private final long multipartBytes;
    private final List<Step> steps = new ArrayList<>();

    /** @param multipartBytes size of the multipart test object; more than one part of the store's part size */
    public StoreCheck(ObjectStore store, long multipartBytes) {
        this.store = store;
        this.multipartBytes = multipartBytes;
    }

    private interface Action {
        String run() throws Exception;
    }

    private boolean step(String name, Action a) {
        long t0 = System.nanoTime();
        try {
            String detail = a.run();
            steps.add(new Step(name, true, (System.nanoTime() - t0) / 1_000_000, detail));
            return true;
        } catch (Exception | AssertionError e) {
            String msg = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            steps.add(new Step(name, false, (System.nanoTime() - t0) / 1_000_000, msg));
            return false;
        }
    }

    private static void check(boolean condition, String message) {
        if (!condition) {
            throw new AssertionError(message);
        }
    }

    public List<Step> run() {
        byte[] r = new byte[4];
        new SecureRandom().nextBytes(r);
        String prefix = "karchive-check-" + HexFormat.of().formatHex(r) + "/";
        String small = prefix + "small.bin";
        String big = prefix + "multipart.bin";
        String aborted = prefix + "aborted.bin";
        byte[] smallData = "karchive check-repo\n".repeat(50).getBytes(java.nio.charset.StandardCharsets.UTF_8);
        byte[] bigData = new byte[(int) multipartBytes];
        new Random(42).nextBytes(bigData);

        boolean ok = step("list", () -> store.list(prefix).isEmpty() ? "prefix is empty" : "unexpected objects");
        ok &= step("put small object", () -> {
            StoredObject s = store.put(small, smallData);
            check(s.size() == smallData.length && s.sha256().equals(Sha256.of(smallData)), "stored size or hash wrong");
            return smallData.length + " bytes";
        });
        ok &= step("put multipart object", () -> {
            ObjectWriter w = store.create(big);
            try {
                for (int off = 0; off < bigData.length; off += 1 << 20) {
                    w.write(bigData, off, Math.min(1 << 20, bigData.length - off));
                }
                StoredObject s = w.commit();
                check(s.size() == bigData.length && s.sha256().equals(Sha256.of(bigData)),
                        "stored size or hash wrong");
            } finally {
                w.abort();
            }
            return bigData.length + " bytes";
        });
        ok &= step("stat", () -> {
            long size = store.stat(big).orElseThrow(() -> new AssertionError("object not found")).size();
            check(size == bigData.length, "stat says " + size + " bytes, wrote " + bigData.length);
            check(store.stat(prefix + "missing").isEmpty(), "stat of a missing key found something");
            return "sizes match";
        });
        ok &= step("get whole object", () -> {
            check(Arrays.equals(store.getBytes(small), smallData), "content differs");
            try (InputStream in = store.get(big)) {
                check(Sha256.of(in.readAllBytes()).equals(Sha256.of(bigData)), "content differs");
            }
            return "content matches";
        });
        ok &= step("range get", () -> {
            long[][] ranges = {{0, 10}, {(5 << 20) - 7, 20}, {bigData.length - 5, 100}};
            for (long[] rg : ranges) {
                try (InputStream in = store.get(big, rg[0], rg[1])) {
                    byte[] got = in.readAllBytes();
                    int end = (int) Math.min(bigData.length, rg[0] + rg[1]);
                    check(Arrays.equals(got, Arrays.copyOfRange(bigData, (int) rg[0], end)),
                            "range " + rg[0] + "+" + rg[1] + " differs");
                }
            }
            return ranges.length + " ranges match";
        });
        ok &= step("list prefix", () -> {
            List<String> keys = store.list(prefix).stream().map(ObjectStore.ObjectInfo::key).toList();
            check(keys.equals(List.of(big, small)), "listed " + keys);
            return keys.size() + " objects";
        });
        ok &= step("abort upload", () -> {
            ObjectWriter w = store.create(aborted);
            w.write(bigData, 0, bigData.length);
            w.abort();
            check(store.stat(aborted).isEmpty(), "an aborted upload is visible");
            check(store.listPendingUploads(prefix).isEmpty(), "an aborted upload is still pending");
            return "nothing left behind";
        });
        ok &= step("delete", () -> {
            store.delete(small);
            store.delete(big);
            store.delete(prefix + "never-existed");
            check(store.list(prefix).isEmpty(), "objects remain after delete");
            return "prefix is empty again";
        });
        if (!ok) {
            cleanup(prefix);
        }
        return List.copyOf(steps);
    }

    private void cleanup(String prefix) {
        try {
            for (ObjectStore.PendingUpload u : store.listPendingUploads(prefix)) {
                store.abortPendingUpload(u);
            }
            for (ObjectStore.ObjectInfo o : store.list(prefix)) {
                store.delete(o.key());
            }
        } catch (IOException e) {
            // best effort; the failed steps are already reported
        }
    }
}

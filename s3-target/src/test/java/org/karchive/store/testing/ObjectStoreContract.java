package org.karchive.store.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.karchive.store.ObjectNotFoundException;
import org.karchive.store.ObjectStore;
import org.karchive.store.ObjectStore.ObjectInfo;
import org.karchive.store.ObjectStore.PendingUpload;
import org.karchive.store.ObjectWriter;
import org.karchive.store.StoredObject;
import org.karchive.store.s3.MultipartApi;

/**
 * The behaviour every {@link ObjectStore} must show, as one JUnit 5 suite. Subclass it, return a
 * store from {@link #openStore()}, and (for stores with multipart uploads) a store whose
 * {@link MultipartApi} is wrapped from {@link #openStoreWithDecorator}. Each test works below its
 * own key prefix, so subclasses may share one server. Objects stay small (at most ~4 parts of
 * {@link #partSize()}) to keep the suite fast.
 */
@Timeout(120)
public abstract class ObjectStoreContract {
    protected static final int MIB = 1024 * 1024;
    private static final AtomicInteger RUN = new AtomicInteger();

    protected ObjectStore store;
    /** A key prefix of this test alone, ending in '/'. */
    protected String base;

    /** Opens the store under test; closed after each test. */
    protected abstract ObjectStore openStore() throws Exception;

    /** The part size the store uses (stores without parts: any size that makes tests meaningful). */
    protected int partSize() {
        return 5 * MIB;
    }

    /**
     * Opens the store with its multipart API wrapped by {@code decorator}; stores without one skip
     * the fault tests.
     */
    protected ObjectStore openStoreWithDecorator(UnaryOperator<MultipartApi> decorator) throws Exception {
        Assumptions.abort(getClass().getSimpleName() + " has no multipart upload to inject faults into");
        return null;
    }

    @BeforeEach
    void openContractStore() throws Exception {
        store = openStore();
        base = "t" + ProcessHandle.current().pid() + "-" + RUN.incrementAndGet() + "/";
    }

    @AfterEach
    void closeContractStore() throws Exception {
        if (store != null) {
            store.close();
        }
    }

    protected static byte[] data(int size, long seed) {
        byte[] b = new byte[size];
        new Random(seed).nextBytes(b);
        return b;
    }

    protected static String sha256(byte[] data) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
    }

    /** Writes {@code data} in pieces of {@code piece} bytes (odd sizes cross part boundaries). */
    protected static StoredObject upload(ObjectStore s, String key, byte[] data, int piece) throws IOException {
        ObjectWriter w = s.create(key);
        try {
            for (int off = 0; off < data.length; off += piece) {
                w.write(data, off, Math.min(piece, data.length - off));
            }
            return w.commit();
        } finally {
            w.close();
        }
    }

    private byte[] range(String key, long offset, long length) throws IOException {
        try (InputStream in = store.get(key, offset, length)) {
            return in.readAllBytes();
        }
    }

    private void assertRoundTrip(String key, byte[] data, StoredObject stored) throws Exception {
        assertThat(stored.key()).isEqualTo(key);
        assertThat(stored.size()).isEqualTo(data.length);
        assertThat(stored.sha256()).isEqualTo(sha256(data));
        assertThat(store.stat(key)).get().extracting(ObjectInfo::size).isEqualTo((long) data.length);
        assertThat(sha256(store.getBytes(key))).isEqualTo(sha256(data));
    }

    private void assertNothingUnder(String prefix) throws IOException {
        assertThat(store.list(prefix)).isEmpty();
        assertThat(store.listPendingUploads(prefix)).isEmpty();
    }

    @Test
    void emptyObject() throws Exception {
        String key = base + "empty";
        StoredObject o = upload(store, key, new byte[0], 1);
        assertRoundTrip(key, new byte[0], o);
        assertThat(range(key, 0, 10)).isEmpty();
        assertThat(range(key, 5, -1)).isEmpty();
    }

    @Test
    void objectSmallerThanOnePart() throws Exception {
        String key = base + "small.bin";
        byte[] d = data(10_000, 1);
        assertRoundTrip(key, d, upload(store, key, d, 777));
        assertThat(range(key, 100, 50)).isEqualTo(Arrays.copyOfRange(d, 100, 150));
    }

    @Test
    void objectOfExactlyOnePart() throws Exception {
        String key = base + "one-part.bin";
        byte[] d = data(partSize(), 2);
        assertRoundTrip(key, d, upload(store, key, d, 1 << 16));
    }

    @Test
    void manyPartsWithShortLastPartAndRangeReads() throws Exception {
        String key = base + "multi.bin";
        int p = partSize();
        byte[] d = data(3 * p + 12_345, 3);
        assertRoundTrip(key, d, upload(store, key, d, 100_003));
        assertThat(range(key, p - 7, 14)).isEqualTo(Arrays.copyOfRange(d, p - 7, p + 7));
        assertThat(range(key, 2L * p, 100)).isEqualTo(Arrays.copyOfRange(d, 2 * p, 2 * p + 100));
        assertThat(range(key, 3L * p - 1, 2)).isEqualTo(Arrays.copyOfRange(d, 3 * p - 1, 3 * p + 1));
        assertThat(range(key, 3L * p, -1)).isEqualTo(Arrays.copyOfRange(d, 3 * p, d.length));
        assertThat(range(key, d.length - 5, 100)).isEqualTo(Arrays.copyOfRange(d, d.length - 5, d.length));
        assertThat(range(key, d.length, 10)).isEmpty();
        assertThat(range(key, d.length + 1000L, 10)).isEmpty();
        assertThat(range(key, 0, 0)).isEmpty();
    }

    @Test
    void singleByteWritesAndWriteAfterCommit() throws Exception {
        String key = base + "bytes";
        ObjectWriter w = store.create(key);
        for (int i = 0; i < 300; i++) {
            w.write(i);
        }
        StoredObject o = w.commit();
        byte[] expected = new byte[300];
        for (int i = 0; i < 300; i++) {
            expected[i] = (byte) i;
        }
        assertRoundTrip(key, expected, o);
        assertThatThrownBy(() -> w.write(1)).isInstanceOf(IOException.class);
        w.close();
        assertThat(store.stat(key)).isPresent();
    }

    @Test
    void getOfMissingKeyIsNotFound() throws Exception {
        assertThatThrownBy(() -> store.get(base + "missing")).isInstanceOf(ObjectNotFoundException.class);
        assertThatThrownBy(() -> store.get(base + "missing", 10, 10)).isInstanceOf(ObjectNotFoundException.class);
        assertThatThrownBy(() -> store.get(base + "missing", 0, 0)).isInstanceOf(ObjectNotFoundException.class);
    }

    @Test
    void statOfPresentAndMissingKeys() throws Exception {
        store.put(base + "a", new byte[] {1, 2, 3});
        assertThat(store.stat(base + "a")).get().satisfies(i -> {
            assertThat(i.key()).isEqualTo(base + "a");
            assertThat(i.size()).isEqualTo(3);
            assertThat(i.lastModified()).isNotNull();
        });
        assertThat(store.stat(base + "b")).isEmpty();
    }

    @Test
    void listsMoreThanOneThousandKeysSortedAndComplete() throws Exception {
        int n = 1_050;
        List<String> expected = new ArrayList<>();
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<?>> fs = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                String key = base + "many/" + Integer.toString(i * 7919 % 100_000, 36);
                expected.add(key);
                byte[] body = key.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
                fs.add(pool.submit(() -> store.put(key, body)));
            }
            for (Future<?> f : fs) {
                f.get();
            }
        } finally {
            pool.shutdown();
        }
        store.put(base + "manz", new byte[1]);
        expected.sort(null);
        List<ObjectInfo> listed = store.list(base + "many/");
        assertThat(listed).extracting(ObjectInfo::key).containsExactlyElementsOf(expected);
        assertThat(listed).allSatisfy(i -> assertThat(i.size()).isEqualTo(i.key().length()));
    }

    @Test
    void listFiltersByPrefixInByteOrder() throws Exception {
        for (String k : List.of("a/c", "ab", "a/b", "b", "a/d/e")) {
            store.put(base + k, new byte[] {7});
        }
        assertThat(store.list(base + "a")).extracting(ObjectInfo::key)
                .containsExactly(base + "a/b", base + "a/c", base + "a/d/e", base + "ab");
        assertThat(store.list(base + "a/")).hasSize(3);
        assertThat(store.list(base + "zzz")).isEmpty();
        assertThat(store.list(base)).hasSize(5);
    }

    @Test
    void deleteRemovesAndMissingKeyIsFine() throws Exception {
        store.put(base + "d", new byte[] {1});
        store.delete(base + "d");
        assertThat(store.stat(base + "d")).isEmpty();
        assertThatCode(() -> store.delete(base + "d")).doesNotThrowAnyException();
        assertThatCode(() -> store.delete(base + "never/existed")).doesNotThrowAnyException();
    }

    @Test
    void commitReplacesAnExistingObject() throws Exception {
        String key = base + "x";
        store.put(key, data(1000, 4));
        byte[] d = data(2000, 5);
        assertRoundTrip(key, d, store.put(key, d));
    }

    @Test
    void abortMidwayLeavesNoObjectAndNoPendingUpload() throws Exception {
        String key = base + "aborted.bin";
        ObjectWriter w = store.create(key);
        w.write(data(2 * partSize() + 100, 6));
        w.abort();
        w.abort();
        assertThat(store.stat(key)).isEmpty();
        assertNothingUnder(base);
        assertThatThrownBy(() -> w.commit()).isInstanceOf(IOException.class);
    }

    @Test
    void closeWithoutCommitLeavesNothing() throws Exception {
        String key = base + "closed.bin";
        try (ObjectWriter w = store.create(key)) {
            w.write(data(partSize() * 5 / 2, 7));
        }
        assertThat(store.stat(key)).isEmpty();
        assertNothingUnder(base);
    }

    @Test
    void unfinishedUploadIsListedAndCanBeAborted() throws Exception {
        String key = base + "crashed.bin";
        ObjectWriter w = store.create(key);
        // more than one part, so S3 stores have started a multipart upload
        w.write(data(partSize() + 10, 8));
        List<PendingUpload> pending = store.listPendingUploads(base);
        assertThat(pending).extracting(PendingUpload::key).containsExactly(key);
        assertThat(pending.get(0).uploadId()).isNotBlank();
        store.abortPendingUpload(pending.get(0));
        assertThat(store.listPendingUploads(base)).isEmpty();
        assertThat(store.listPendingUploads("nothing-here/")).isEmpty();
        w.abort();
        assertThat(store.stat(key)).isEmpty();
    }

    @Test
    void partFailingTwiceSucceedsOnRetry() throws Exception {
        AtomicReference<FaultyMultipartApi> faults = new AtomicReference<>();
        try (ObjectStore s = openStoreWithDecorator(api -> {
            faults.set(new FaultyMultipartApi(api).failPart(2, 2));
            return faults.get();
        })) {
            String key = base + "flaky.bin";
            byte[] d = data(3 * partSize() + 1, 9);
            StoredObject o = upload(s, key, d, 1 << 20);
            assertThat(o.sha256()).isEqualTo(sha256(d));
            assertThat(faults.get().attempts(2)).isEqualTo(3);
            assertThat(faults.get().attempts(1)).isEqualTo(1);
            assertThat(sha256(s.getBytes(key))).isEqualTo(sha256(d));
            assertThat(s.listPendingUploads(base)).isEmpty();
        }
    }

    @Test
    void partFailingForGoodAbortsTheWholeUpload() throws Exception {
        try (ObjectStore s = openStoreWithDecorator(api -> new FaultyMultipartApi(api).failPartForever(2))) {
            String key = base + "doomed.bin";
            byte[] d = data(4 * partSize(), 10);
            assertThatThrownBy(() -> upload(s, key, d, 1 << 20)).isInstanceOf(IOException.class)
                    .hasMessageContaining("part 2");
            assertThat(s.stat(key)).isEmpty();
            assertThat(s.listPendingUploads(base)).isEmpty();
        }
    }

    @Test
    void completeWhoseResponseWasLostIsAcceptedWhenTheObjectIsThere() throws Exception {
        AtomicReference<FaultyMultipartApi> faults = new AtomicReference<>();
        try (ObjectStore s = openStoreWithDecorator(api -> {
            faults.set(new FaultyMultipartApi(api).loseCompleteResponse(1));
            return faults.get();
        })) {
            String key = base + "lost-complete.bin";
            byte[] d = data(partSize() + 3, 11);
            StoredObject o = upload(s, key, d, 1 << 20);
            assertThat(o.size()).isEqualTo(d.length);
            assertThat(faults.get().completeCalls()).isEqualTo(2);
            assertThat(s.stat(key)).get().extracting(ObjectInfo::size).isEqualTo((long) d.length);
        }
    }
}

package org.karchive.store.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import java.util.Random;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.karchive.store.ClientKind;
import org.karchive.store.ObjectStore;
import org.karchive.store.ObjectStores;
import org.karchive.store.RetryableStoreException;
import org.karchive.store.StoreConfig;
import org.karchive.store.StoredObject;
import org.karchive.store.testing.FaultyHttpProxy;
import org.karchive.store.testing.S3TestServer;

/** Failures on the wire (through a faulty HTTP proxy in front of S3Proxy), with both clients. */
class WireFaultsTest {
    static S3TestServer server;
    static byte[] data = new byte[(5 << 20) * 2 + 4321];

    @BeforeAll
    static void start() throws Exception {
        server = S3TestServer.start();
        new Random(5).nextBytes(data);
    }

    @AfterAll
    static void stop() throws Exception {
        server.close();
    }

    private static StoreConfig config(ClientKind kind, FaultyHttpProxy proxy) {
        return server.storeConfig().withClient(kind).withEndpoint(proxy.endpoint()).withPartSize(5L << 20)
                .withRetryBaseDelay(Duration.ofMillis(10)).withMaxAttempts(4);
    }

    private static Predicate<String> part(int n) {
        return line -> line.startsWith("PUT ") && line.contains("partNumber=" + n + "&")
                || line.startsWith("PUT ") && line.matches(".*[?&]partNumber=" + n + "( |&).*");
    }

    @ParameterizedTest
    @EnumSource(ClientKind.class)
    void slowDownOnAPartIsRetriedAndTheObjectIsWhole(ClientKind kind) throws Exception {
        try (FaultyHttpProxy proxy = FaultyHttpProxy.start(server.endpoint());
                ObjectStore s = ObjectStores.open(server.repoUrl("slow-" + kind), config(kind, proxy), Map.of())) {
            proxy.failRequests(part(2), 2, 503, "SlowDown");
            StoredObject o = s.put("obj", data);
            assertThat(o.size()).isEqualTo(data.length);
            assertThat(proxy.count(part(2))).isEqualTo(3);
            assertThat(proxy.count(part(1))).isEqualTo(1);
            assertThat(s.getBytes("obj")).isEqualTo(data);
        }
    }

    @ParameterizedTest
    @EnumSource(ClientKind.class)
    void aPartThatNeverSucceedsFailsTheUploadAndAbortsIt(ClientKind kind) throws Exception {
        try (FaultyHttpProxy proxy = FaultyHttpProxy.start(server.endpoint());
                ObjectStore s = ObjectStores.open(server.repoUrl("dead-" + kind), config(kind, proxy), Map.of())) {
            proxy.failRequests(part(3), 100, 503, "SlowDown");
            assertThatThrownBy(() -> s.put("obj", data)).isInstanceOf(RetryableStoreException.class)
                    .hasMessageContaining("part 3");
            assertThat(proxy.count(part(3))).isEqualTo(4);
            assertThat(s.listPendingUploads("")).isEmpty();
            assertThat(s.stat("obj")).isEmpty();
        }
    }

    @ParameterizedTest
    @EnumSource(ClientKind.class)
    void aDownloadCutMidwayResumesWhereItBroke(ClientKind kind) throws Exception {
        try (FaultyHttpProxy proxy = FaultyHttpProxy.start(server.endpoint());
                ObjectStore s = ObjectStores.open(server.repoUrl("cut-" + kind), config(kind, proxy), Map.of())) {
            s.put("obj", data);
            proxy.resetResponses(line -> line.startsWith("GET ") && line.contains("/obj"), 2, 1 << 20);
            assertThat(s.getBytes("obj")).isEqualTo(data);
            assertThat(proxy.count(line -> line.startsWith("GET ") && line.contains("/obj"))).isEqualTo(3);
        }
    }
}

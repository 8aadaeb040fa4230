package org.karchive.store.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.karchive.store.BucketNotFoundException;
import org.karchive.store.ClientKind;
import org.karchive.store.EndpointUnreachableException;
import org.karchive.store.ObjectStore;
import org.karchive.store.ObjectStores;
import org.karchive.store.StaticCredentials;
import org.karchive.store.StoreAccessDeniedException;
import org.karchive.store.StoreConfig;
import org.karchive.store.StoreTlsException;
import org.karchive.store.testing.S3TestServer;

/** Each failure a user can cause, reproduced against a real server, with the message it gets. */
class S3ErrorsOnS3ProxyTest {
    static S3TestServer server;

    @BeforeAll
    static void start() throws Exception {
        server = S3TestServer.start();
    }

    @AfterAll
    static void stop() throws Exception {
        server.close();
    }

    private static StoreConfig config(ClientKind kind) {
        return server.storeConfig().withClient(kind).withMaxAttempts(2).withRetryBaseDelay(Duration.ofMillis(5));
    }

    private static String everything(Throwable t) {
        StringWriter sw = new StringWriter();
        t.printStackTrace(new PrintWriter(sw));
        return sw + " " + t;
    }

    @ParameterizedTest
    @EnumSource(ClientKind.class)
    void wrongSecretIsAccessDeniedAndNeverShowsTheSecret(ClientKind kind) throws Exception {
        String secret = "Wr0ngSecretThatMustNotLeak" + kind;
        StoreConfig cfg = config(kind).withCredentials(new StaticCredentials(server.accessKey(), secret));
        assertThat(cfg.toString()).doesNotContain(secret);
        try (ObjectStore s = ObjectStores.open(server.repoUrl("p"), cfg, Map.of())) {
            Throwable listing = org.assertj.core.api.Assertions.catchThrowable(() -> s.list(""));
            assertThat(listing).isInstanceOf(StoreAccessDeniedException.class)
                    .hasMessageContaining("AWS_SECRET_ACCESS_KEY");
            assertThat(everything(listing)).doesNotContain(secret);
            Throwable put = org.assertj.core.api.Assertions.catchThrowable(() -> s.put("k", new byte[10]));
            assertThat(put).isInstanceOf(StoreAccessDeniedException.class);
            assertThat(everything(put)).doesNotContain(secret);
            assertThat(s.describe()).doesNotContain(secret);
        }
    }

    @ParameterizedTest
    @EnumSource(ClientKind.class)
    void unknownAccessKeyIsAccessDenied(ClientKind kind) throws Exception {
        StoreConfig cfg = config(kind).withCredentials(new StaticCredentials("AKNOBODY", server.secretKey()));
        try (ObjectStore s = ObjectStores.open(server.repoUrl("p"), cfg, Map.of())) {
            assertThatThrownBy(() -> s.get("k")).isInstanceOf(StoreAccessDeniedException.class);
        }
    }

    @ParameterizedTest
    @EnumSource(ClientKind.class)
    void missingBucketSaysHowToCreateIt(ClientKind kind) throws Exception {
        try (ObjectStore s = ObjectStores.open("s3://no-such-bucket-" + kind.name().toLowerCase() + "/p",
                config(kind), Map.of())) {
            assertThatThrownBy(() -> s.list("")).isInstanceOf(BucketNotFoundException.class)
                    .hasMessageContaining("--create-bucket");
            assertThatThrownBy(() -> s.put("k", new byte[3])).isInstanceOf(BucketNotFoundException.class);
        }
    }

    @ParameterizedTest
    @EnumSource(ClientKind.class)
    void createBucketFlagCreatesAMissingBucket(ClientKind kind) throws Exception {
        String url = "s3://created-" + kind.name().toLowerCase() + "/repo";
        try (ObjectStore s = ObjectStores.open(url, config(kind).withCreateBucket(true), Map.of())) {
            s.put("k", new byte[] {1, 2});
            assertThat(s.getBytes("k")).containsExactly(1, 2);
        }
        try (ObjectStore s = ObjectStores.open(url, config(kind).withCreateBucket(true), Map.of())) {
            assertThat(s.list("")).hasSize(1);
        }
    }

    @ParameterizedTest
    @EnumSource(ClientKind.class)
    void closedPortIsEndpointUnreachable(ClientKind kind) throws Exception {
        int port;
        try (ServerSocket ss = new ServerSocket(0)) {
            port = ss.getLocalPort();
        }
        URI dead = URI.create("http://127.0.0.1:" + port);
        try (ObjectStore s = ObjectStores.open(server.repoUrl("p"), config(kind).withEndpoint(dead), Map.of())) {
            assertThatThrownBy(() -> s.list("")).isInstanceOf(EndpointUnreachableException.class)
                    .hasMessageContaining(dead.toString());
            assertThatThrownBy(() -> s.put("k", new byte[1])).isInstanceOf(EndpointUnreachableException.class);
        }
    }

    @ParameterizedTest
    @EnumSource(ClientKind.class)
    void tlsToAPlainHttpServerIsATlsError(ClientKind kind) throws Exception {
        URI https = URI.create("https://127.0.0.1:" + server.endpoint().getPort());
        try (ObjectStore s = ObjectStores.open(server.repoUrl("p"), config(kind).withEndpoint(https), Map.of())) {
            assertThatThrownBy(() -> s.list("")).isInstanceOf(StoreTlsException.class)
                    .hasMessageContaining("TLS");
        }
    }

    @ParameterizedTest
    @EnumSource(ClientKind.class)
    void endpointAndCredentialsFromTheEnvironment(ClientKind kind) throws Exception {
        // the endpoint comes from AWS_ENDPOINT_URL_S3; credentials stay explicit here because the
        // AWS default chain reads the real process environment, which a test cannot set
        StoreConfig cfg = config(kind).withEndpoint(null);
        Map<String, String> env = Map.of("AWS_ENDPOINT_URL_S3", server.endpoint().toString(),
                "AWS_ENDPOINT_URL", "http://127.0.0.1:1");
        try (ObjectStore s = ObjectStores.open(server.repoUrl("env"), cfg, env)) {
            s.put("k", new byte[] {9});
            assertThat(s.describe()).contains(server.endpoint().toString());
        }
    }
}

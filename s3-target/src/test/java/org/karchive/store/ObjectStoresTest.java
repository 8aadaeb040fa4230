package org.karchive.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.karchive.store.s3.AwsS3ObjectStore;
import org.karchive.store.s3.MinioObjectStore;
import org.karchive.store.s3.S3Location;

class ObjectStoresTest {
    @TempDir
    Path dir;

    @Test
    void fileUrlOpensALocalDirectory() throws Exception {
        try (ObjectStore s = ObjectStores.open(dir.resolve("repo").toUri().toString(), StoreConfig.defaults())) {
            assertThat(s).isInstanceOf(LocalDirectoryStore.class);
            s.put("a/b", new byte[] {1});
        }
        assertThat(dir.resolve("repo/a/b")).exists();
    }

    @Test
    void s3UrlOpensTheChosenClientWithoutContactingTheServer() throws Exception {
        StoreConfig cfg = StoreConfig.defaults().withEndpoint(URI.create("http://127.0.0.1:1"))
                .withCredentials(new StaticCredentials("AK", "SK"));
        try (ObjectStore s = ObjectStores.open("s3://bucket/some/prefix/", cfg, Map.of())) {
            assertThat(s).isInstanceOf(AwsS3ObjectStore.class);
            assertThat(s.describe()).isEqualTo("s3://bucket/some/prefix at http://127.0.0.1:1");
        }
        try (ObjectStore s = ObjectStores.open("s3://bucket", cfg.withClient(ClientKind.MINIO), Map.of())) {
            assertThat(s).isInstanceOf(MinioObjectStore.class);
        }
    }

    @Test
    void badUrlsAreRejectedWithTheAcceptedForms() {
        for (String url : new String[] {"", "http://x", "file:relative/path", "file://host/x", "s3://", "s3:///p",
                "s3://Bad_Bucket!/p", "s3://b/p", "s3://bkt/../x"}) {
            assertThatThrownBy(() -> ObjectStores.open(url, StoreConfig.defaults(), Map.of()))
                    .as(url).isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void s3LocationMapsKeysBelowThePrefix() {
        S3Location l = S3Location.parse("s3://bkt/p/q/");
        assertThat(l.prefix()).isEqualTo("p/q");
        assertThat(l.keyOf("chunks/1")).isEqualTo("p/q/chunks/1");
        assertThat(l.storeKeyOf("p/q/chunks/1")).isEqualTo("chunks/1");
        assertThat(l.storeKeyOf("p/qq/x")).isNull();
        assertThat(S3Location.parse("s3://bkt").keyOf("k")).isEqualTo("k");
        assertThat(l.toString()).isEqualTo("s3://bkt/p/q");
    }

    @Test
    void endpointRegionAndCaBundleResolveFromTheEnvironment() {
        StoreConfig d = StoreConfig.defaults();
        assertThat(d.endpointFrom(Map.of())).isNull();
        assertThat(d.endpointFrom(Map.of("AWS_ENDPOINT_URL", "http://a:1"))).isEqualTo(URI.create("http://a:1"));
        assertThat(d.endpointFrom(Map.of("AWS_ENDPOINT_URL", "http://a:1", "AWS_ENDPOINT_URL_S3", "http://b:2")))
                .isEqualTo(URI.create("http://b:2"));
        assertThat(d.withEndpoint(URI.create("https://c")).endpointFrom(Map.of("AWS_ENDPOINT_URL_S3", "http://b:2")))
                .isEqualTo(URI.create("https://c"));
        assertThat(d.regionFrom(Map.of())).isEqualTo("us-east-1");
        assertThat(d.regionFrom(Map.of("AWS_REGION", "eu-west-1"))).isEqualTo("eu-west-1");
        assertThat(d.withRegion("ap-south-1").regionFrom(Map.of("AWS_REGION", "eu-west-1"))).isEqualTo("ap-south-1");
        assertThat(d.caCertFileFrom(Map.of("AWS_CA_BUNDLE", "/etc/ca.pem"))).isEqualTo(Path.of("/etc/ca.pem"));
    }

    @Test
    void customEndpointsGetMd5ModeAndPathStyle() {
        StoreConfig d = StoreConfig.defaults();
        URI minio = URI.create("http://minio:9000");
        URI aws = URI.create("https://s3.eu-west-1.amazonaws.com");
        assertThat(d.md5ModeFor(minio)).isTrue();
        assertThat(d.pathStyleFor(minio)).isTrue();
        assertThat(d.md5ModeFor(aws)).isFalse();
        assertThat(d.pathStyleFor(aws)).isFalse();
        assertThat(d.md5ModeFor(null)).isFalse();
        assertThat(d.withChecksumMode(ChecksumMode.MD5).md5ModeFor(aws)).isTrue();
        assertThat(d.withChecksumMode(ChecksumMode.SDK).md5ModeFor(minio)).isFalse();
        assertThat(d.withPathStyle(false).pathStyleFor(minio)).isFalse();
    }

    @Test
    void configValidatesAndHidesSecrets() {
        assertThatThrownBy(() -> StoreConfig.defaults().withPartSize(1 << 20)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> StoreConfig.defaults().withPartsInFlight(0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> StoreConfig.defaults().withSse("des", null)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> StoreConfig.defaults().withSse(null, "key")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> StoreConfig.defaults().withEndpoint(URI.create("ftp://x")))
                .isInstanceOf(IllegalArgumentException.class);
        StoreConfig c = StoreConfig.defaults().withCredentials(new StaticCredentials("AKID", "topsecret", "tok3n"))
                .withSse("aws:kms", "kms-key");
        assertThat(c.toString()).contains("AKID").doesNotContain("topsecret").doesNotContain("tok3n");
        assertThat(ClientKind.parse("MinIO")).isEqualTo(ClientKind.MINIO);
        assertThatThrownBy(() -> ClientKind.parse("gcs")).hasMessageContaining("aws or minio");
    }
}

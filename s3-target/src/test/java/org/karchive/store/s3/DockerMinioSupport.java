package org.karchive.store.s3;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Assumptions;
import org.karchive.store.ClientKind;
import org.karchive.store.ObjectStore;
import org.karchive.store.StoreConfig;
import org.karchive.store.testing.DockerMinio;

/** One MinIO container per test JVM, started on first use, removed at exit; skips without Docker. */
final class DockerMinioSupport {
    private static DockerMinio minio;
    private static String unavailable;

    private DockerMinioSupport() {
    }

    private static synchronized DockerMinio minio() throws Exception {
        if (minio == null && unavailable == null) {
            unavailable = DockerMinio.unavailableReason();
            if (unavailable == null) {
                minio = DockerMinio.start();
                DockerMinio m = minio;
                Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                    try {
                        m.close();
                    } catch (Exception ignored) {
                        // the container was started with --rm
                    }
                }));
            }
        }
        Assumptions.assumeTrue(unavailable == null, unavailable);
        return minio;
    }

    static ObjectStore open(ClientKind kind, UnaryOperator<MultipartApi> decorator) throws Exception {
        StoreConfig cfg = minio().storeConfig().withClient(kind).withPartSize(5L << 20)
                .withRetryBaseDelay(Duration.ofMillis(5));
        S3Location loc = S3Location.parse("s3://karchive-contract/" + kind.name().toLowerCase());
        return kind == ClientKind.AWS
                ? AwsS3ObjectStore.open(loc, cfg, Map.of(), decorator, List.of())
                : MinioObjectStore.open(loc, cfg, Map.of(), decorator);
    }
}

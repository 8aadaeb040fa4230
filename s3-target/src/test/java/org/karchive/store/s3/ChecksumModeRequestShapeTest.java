package org.karchive.store.s3;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.karchive.store.ChecksumMode;
import org.karchive.store.ObjectStore;
import org.karchive.store.StoreConfig;
import org.karchive.store.testing.S3TestServer;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.model.UploadPartRequest;

/**
 * S3Proxy accepts both checksum styles, so the compatibility mode is proved by the shape of the
 * requests as they go on the wire (after signing): Content-MD5, no trailers, no aws-chunked.
 */
class ChecksumModeRequestShapeTest {
    static S3TestServer server;

    @BeforeAll
    static void start() throws Exception {
        server = S3TestServer.start();
    }

    @AfterAll
    static void stop() throws Exception {
        server.close();
    }

    /** Headers (lower-case names) of every PutObject and UploadPart request sent. */
    static final class Recorder implements ExecutionInterceptor {
        final List<Map<String, String>> uploads = Collections.synchronizedList(new ArrayList<>());

        @Override
        public void beforeTransmission(Context.BeforeTransmission ctx, ExecutionAttributes attrs) {
            if (ctx.request() instanceof PutObjectRequest || ctx.request() instanceof UploadPartRequest) {
                Map<String, String> h = new TreeMap<>();
                ctx.httpRequest().headers().forEach((k, v) -> h.put(k.toLowerCase(Locale.ROOT), String.join(",", v)));
                uploads.add(h);
            }
        }
    }

    private List<Map<String, String>> uploadWith(ChecksumMode mode, String prefix) throws Exception {
        Recorder rec = new Recorder();
        StoreConfig cfg = server.storeConfig().withChecksumMode(mode).withPartSize(5L << 20);
        try (ObjectStore s = AwsS3ObjectStore.open(S3Location.parse(server.repoUrl(prefix)), cfg, Map.of(), null,
                List.of(rec))) {
            s.put("small", new byte[1000]);
            byte[] big = new byte[(5 << 20) + 100];
            new java.util.Random(1).nextBytes(big);
            assertThat(s.put("big", big).size()).isEqualTo(big.length);
            assertThat(s.getBytes("big")).isEqualTo(big);
        }
        assertThat(rec.uploads).hasSize(3);
        return rec.uploads;
    }

    @Test
    void md5ModeSendsContentMd5AndNoTrailers() throws Exception {
        for (Map<String, String> h : uploadWith(ChecksumMode.MD5, "md5")) {
            assertThat(h).containsKey("content-md5");
            assertThat(h).doesNotContainKey("x-amz-trailer");
            assertThat(h.keySet()).noneMatch(k -> k.startsWith("x-amz-checksum-"));
            assertThat(h.getOrDefault("content-encoding", "")).doesNotContain("aws-chunked");
            assertThat(h.get("x-amz-content-sha256")).doesNotStartWith("STREAMING");
        }
    }

    @Test
    void autoModeOnCustomEndpointIsMd5Mode() throws Exception {
        for (Map<String, String> h : uploadWith(ChecksumMode.AUTO, "auto")) {
            assertThat(h).containsKey("content-md5").doesNotContainKey("x-amz-trailer");
        }
    }

    @Test
    void sdkModeUsesSdkChecksumsAndStillRoundTrips() throws Exception {
        for (Map<String, String> h : uploadWith(ChecksumMode.SDK, "sdk")) {
            assertThat(h).doesNotContainKey("content-md5");
            boolean crc = h.containsKey("x-amz-checksum-crc32")
                    || h.getOrDefault("x-amz-trailer", "").contains("x-amz-checksum-crc32");
            assertThat(crc).as("CRC32 checksum header or trailer in %s", h.keySet()).isTrue();
        }
    }
}

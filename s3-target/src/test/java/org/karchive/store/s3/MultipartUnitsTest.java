package org.karchive.store.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.karchive.store.BucketNotFoundException;
import org.karchive.store.ClockSkewException;
import org.karchive.store.EndpointUnreachableException;
import org.karchive.store.ObjectNotFoundException;
import org.karchive.store.RetryableStoreException;
import org.karchive.store.StoreAccessDeniedException;
import org.karchive.store.StoreConfig;
import org.karchive.store.StoreException;

class MultipartUnitsTest {
    private static final long MIB = StoreConfig.MIB;

    @Test
    void partSizeGrowsSoNoObjectNeedsMoreThanTenThousandParts() {
        assertThat(MultipartWriter.partSizeFor(16 * MIB, -1)).isEqualTo(16 * MIB);
        assertThat(MultipartWriter.partSizeFor(16 * MIB, 100 * MIB)).isEqualTo(16 * MIB);
        long oneTib = 1024L * 1024 * MIB;
        long p = MultipartWriter.partSizeFor(16 * MIB, oneTib);
        assertThat(p % MIB).isZero();
        assertThat((oneTib + p - 1) / p).isLessThanOrEqualTo(10_000);
        assertThat(p).isEqualTo(105 * MIB);
        assertThatThrownBy(() -> MultipartWriter.partSizeFor(16 * MIB, 30L * 1024 * 1024 * MIB))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void retrierRetriesTransientFailuresOnlyAndBoundsAttempts() throws Exception {
        Retrier r = new Retrier(3, Duration.ofMillis(1));
        AtomicInteger n = new AtomicInteger();
        assertThat(r.call("op", () -> {
            if (n.incrementAndGet() < 3) {
                throw new RetryableStoreException("503");
            }
            return "ok";
        })).isEqualTo("ok");
        assertThat(n.get()).isEqualTo(3);

        n.set(0);
        assertThatThrownBy(() -> r.call("op", () -> {
            n.incrementAndGet();
            throw new EndpointUnreachableException("refused");
        })).isInstanceOf(EndpointUnreachableException.class);
        assertThat(n.get()).isEqualTo(3);

        n.set(0);
        assertThatThrownBy(() -> r.call("op", () -> {
            n.incrementAndGet();
            throw new StoreAccessDeniedException("403");
        })).isInstanceOf(StoreAccessDeniedException.class);
        assertThat(n.get()).isEqualTo(1);
        assertThat(new Retrier(6, Duration.ofMillis(200)).delayMs(10)).isBetween(10_000L, 20_000L);
    }

    @Test
    void errorResponsesMapToTypedExceptionsWithHints() {
        S3Errors e = new S3Errors("http://s3.local:9000", S3Location.parse("s3://bkt/pre"));
        assertThat(e.response("PUT", "k", 503, "SlowDown", "Please reduce your request rate.", null))
                .isInstanceOf(RetryableStoreException.class);
        assertThat(e.response("PUT", "k", 500, "InternalError", null, null)).isInstanceOf(RetryableStoreException.class);
        assertThat(e.response("PUT", "k", 429, null, null, null)).isInstanceOf(RetryableStoreException.class);
        assertThat(e.response("PUT", "k", 403, "RequestTimeTooSkewed", "skew", null))
                .isInstanceOf(ClockSkewException.class).hasMessageContaining("clock");
        assertThat(e.response("PUT", "k", 403, "SignatureDoesNotMatch", null, null))
                .isInstanceOf(StoreAccessDeniedException.class).hasMessageContaining("s3://bkt/pre");
        assertThat(e.response("HEAD", "k", 403, null, null, null)).isInstanceOf(StoreAccessDeniedException.class);
        assertThat(e.response("GET", "k", 404, "NoSuchBucket", null, null))
                .isInstanceOf(BucketNotFoundException.class).hasMessageContaining("--create-bucket")
                .hasMessageContaining("http://s3.local:9000");
        assertThat(e.response("GET", "k", 404, "NoSuchKey", null, null)).isInstanceOf(ObjectNotFoundException.class);
        assertThat(e.response("complete", "k", 404, "NoSuchUpload", null, null)).isInstanceOf(NoSuchUploadException.class);
        StoreException other = e.response("PUT", "k", 400, "InvalidDigest", "The Content-MD5 you specified was invalid.\n",
                null);
        assertThat(other.getClass()).isEqualTo(StoreException.class);
        assertThat(other.getMessage()).doesNotContain("\n").contains("InvalidDigest");
        assertThat(e.transport("GET", "k", new IOException("Connection reset")))
                .isInstanceOf(RetryableStoreException.class);
    }
}

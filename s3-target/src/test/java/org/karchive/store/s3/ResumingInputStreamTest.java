package org.karchive.store.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.karchive.store.StoreException;

class ResumingInputStreamTest {
    private final byte[] object = new byte[100_000];

    {
        new Random(3).nextBytes(object);
    }

    /** Serves a range of {@link #object} but breaks with "Connection reset" after {@code breakAfter} bytes. */
    private InputStream flaky(long offset, long length, int breakAfter) {
        int from = (int) offset;
        int to = length < 0 ? object.length : (int) Math.min(object.length, offset + length);
        ByteArrayInputStream real = new ByteArrayInputStream(object, from, to - from);
        return new InputStream() {
            int served;

            @Override
            public int read() throws IOException {
                throw new UnsupportedOperationException();
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                if (served >= breakAfter) {
                    throw new IOException("Connection reset");
                }
                int n = real.read(b, off, Math.min(len, breakAfter - served));
                if (n > 0) {
                    served += n;
                }
                return n;
            }
        };
    }

    @Test
    void brokenDownloadsResumeFromTheFirstMissingByte() throws Exception {
        List<Long> reopenedAt = new ArrayList<>();
        ResumingInputStream in = new ResumingInputStream((off, len) -> {
            reopenedAt.add(off);
            return flaky(off, len, 30_000);
        }, new Retrier(5, Duration.ofMillis(1)), "GET k", flaky(1000, 80_000, 25_000), 1000, 80_000);
        assertThat(in.readAllBytes()).isEqualTo(Arrays.copyOfRange(object, 1000, 81_000));
        assertThat(reopenedAt).containsExactly(26_000L, 56_000L);
    }

    @Test
    void openEndedRangeResumesToTheEnd() throws Exception {
        ResumingInputStream in = new ResumingInputStream((off, len) -> flaky(off, len, 60_000),
                new Retrier(3, Duration.ofMillis(1)), "GET k", flaky(0, -1, 50_000), 0, -1);
        assertThat(in.readAllBytes()).isEqualTo(object);
    }

    @Test
    void givesUpAfterTheConfiguredAttempts() {
        ResumingInputStream in = new ResumingInputStream((off, len) -> flaky(off, len, 10),
                new Retrier(3, Duration.ofMillis(1)), "GET k", flaky(0, -1, 10), 0, -1);
        assertThatThrownBy(in::readAllBytes).isInstanceOf(StoreException.class).hasMessageContaining("giving up");
    }
}

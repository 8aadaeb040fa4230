package org.karchive.format;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** OpenSSL's digests give exactly the JDK's answers, for every way the JCA API feeds them. */
class NativeDigestsTest {

    @BeforeAll
    static void needsLibcrypto() {
        assumeTrue(NativeDigests.install(), "libcrypto.so.3 is not loadable here");
    }

    @ParameterizedTest
    @ValueSource(strings = {"SHA-256", "MD5"})
    void matchesTheJdkForOddSizesOffsetsClonesAndResets(String alg) throws Exception {
        Random rnd = new Random(7);
        byte[] data = new byte[(1 << 18) + 77];
        rnd.nextBytes(data);
        for (int round = 0; round < 40; round++) {
            MessageDigest mine = NativeDigests.forTest(alg);
            MessageDigest jdk = MessageDigest.getInstance(alg, "SUN");
            assertThat(mine.getProvider().getName()).isEqualTo(NativeDigests.PROVIDER);
            int pos = 0;
            MessageDigest myClone = null;
            MessageDigest jdkClone = null;
            while (pos < data.length) {
                int n = Math.min(data.length - pos, rnd.nextInt(100_000) + (rnd.nextBoolean() ? 0 : 1));
                switch (rnd.nextInt(4)) {
                    case 0 -> {
                        mine.update(data, pos, n);
                        jdk.update(data, pos, n);
                    }
                    case 1 -> {
                        ByteBuffer direct = ByteBuffer.allocateDirect(n + 3);
                        direct.position(3);
                        direct.put(data, pos, n);
                        direct.position(3);
                        mine.update(direct);
                        assertThat(direct.remaining()).isZero();
                        jdk.update(ByteBuffer.wrap(data, pos, n));
                    }
                    case 2 -> {
                        mine.update(ByteBuffer.wrap(data, pos, n));
                        jdk.update(ByteBuffer.wrap(data, pos, n));
                    }
                    default -> {
                        mine.update(data[pos]);
                        jdk.update(data[pos]);
                        n = 1;
                    }
                }
                pos += n;
                if (myClone == null && pos > data.length / 2) {
                    myClone = (MessageDigest) mine.clone();
                    jdkClone = (MessageDigest) jdk.clone();
                }
            }
            assertThat(mine.digest()).isEqualTo(jdk.digest());
            if (myClone != null) {
                myClone.update(data, 0, 1000);
                jdkClone.update(data, 0, 1000);
                assertThat(myClone.digest()).isEqualTo(jdkClone.digest());
            }
            // digest() resets: the next use starts from scratch
            mine.update(data, 5, 5000);
            jdk.update(data, 5, 5000);
            byte[] out = new byte[40];
            int len = mine.digest(out, 3, 37);
            assertThat(len).isEqualTo(jdk.getDigestLength());
            byte[] expected = jdk.digest();
            assertThat(java.util.Arrays.copyOfRange(out, 3, 3 + len)).isEqualTo(expected);
            mine.update(data, 0, 10);
            mine.reset();
            jdk.reset();
            assertThat(mine.digest()).isEqualTo(jdk.digest());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"SHA-256", "MD5"})
    void manyShortLivedDigestsDoNotGrowNativeMemory(String alg) throws Exception {
        // each digest owns only a small native context (freed when collected); heap bytes are
        // staged through one buffer per thread, so 200,000 digests fit in any test JVM
        byte[] data = new byte[100];
        String first = null;
        for (int i = 0; i < 200_000; i++) {
            MessageDigest d = NativeDigests.forTest(alg);
            d.update(data);
            String h = java.util.HexFormat.of().formatHex(d.digest());
            if (first == null) {
                first = h;
            }
            assertThat(h).isEqualTo(first);
        }
    }
}

package org.karchive.app.crypt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.exceptionfactory.jagged.RecipientStanzaWriter;
import com.exceptionfactory.jagged.x25519.X25519KeyPairGenerator;
import com.exceptionfactory.jagged.x25519.X25519RecipientStanzaWriterFactory;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.karchive.format.FormatException;

/** The age scrypt stanza glue: round trip, wrong passphrase, the rules on reading, stock age. */
class ScryptRecipientTest {
    static final byte[] PASS = "correct horse".getBytes(StandardCharsets.UTF_8);

    @TempDir
    Path tmp;

    static byte[] encrypt(List<RecipientStanzaWriter> writers, byte[] plain) throws IOException {
        return Sealing.sealBytes("test", plain, writers);
    }

    static byte[] decrypt(byte[] age, byte[] pass) throws IOException {
        try (var in = Sealing.open("test", new ByteArrayInputStream(age), List.of(new ScryptRecipient(pass)),
                "wrong passphrase")) {
            return in.readAllBytes();
        }
    }

    @Test
    void roundTripAtALowWorkFactorAndAtAgesDefault() throws IOException {
        for (int size : new int[] {0, 1, 65536, 65537, 200_000}) {
            byte[] plain = new byte[size];
            new java.util.Random(size).nextBytes(plain);
            byte[] age = encrypt(List.of(new ScryptRecipient(PASS, 10)), plain);
            assertThat(new String(age, 0, 80, StandardCharsets.ISO_8859_1)).startsWith("age-encryption.org/v1\n-> "
                    + "scrypt ").contains(" 10\n");
            assertThat(decrypt(age, PASS)).isEqualTo(plain);
        }
        byte[] age = encrypt(List.of(new ScryptRecipient(PASS)), "x".getBytes(StandardCharsets.UTF_8));
        assertThat(new String(age, StandardCharsets.ISO_8859_1)).contains(" 18\n");
        assertThat(decrypt(age, PASS)).containsExactly('x');
    }

    @Test
    void aWrongPassphraseIsAKeyError() throws IOException {
        byte[] age = encrypt(List.of(new ScryptRecipient(PASS, 10)), new byte[10]);
        assertThatThrownBy(() -> decrypt(age, "wrong".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(KeyException.class).hasMessageContaining("wrong passphrase");
    }

    @Test
    void aScryptStanzaBesideAnotherIsRefused() throws Exception {
        String recipient = new X25519KeyPairGenerator().generateKeyPair().getPublic().toString().strip();
        byte[] age = encrypt(List.of(new ScryptRecipient(PASS, 10),
                X25519RecipientStanzaWriterFactory.newRecipientStanzaWriter(recipient)), new byte[10]);
        assertThatThrownBy(() -> decrypt(age, PASS)).isInstanceOf(FormatException.class)
                .hasMessageContaining("only one");
    }

    @Test
    void workFactorsAboveTheLimitOrMalformedAreRefused() throws IOException {
        byte[] age = encrypt(List.of(new ScryptRecipient(PASS, 10)), new byte[10]);
        String text = new String(age, StandardCharsets.ISO_8859_1);
        for (String wf : new String[] {"23", "010", "99999999999"}) {
            byte[] hostile = text.replaceFirst(" 10\n", " " + wf + "\n").getBytes(StandardCharsets.ISO_8859_1);
            assertThatThrownBy(() -> decrypt(hostile, PASS)).isInstanceOf(FormatException.class)
                    .hasMessageContaining("work factor");
        }
    }

    /** Stock age reads passphrases only from a terminal; script(1) gives it one. */
    @Test
    void stockAgeAndThisGlueReadEachOthersFiles() throws Exception {
        assumeTrue(has("age") && has("script"), "needs age and script on the PATH");
        Path ours = tmp.resolve("ours.age");
        Files.write(ours, encrypt(List.of(new ScryptRecipient(PASS, 12)), "from karchive\n".getBytes()));
        Path out = tmp.resolve("out.txt");
        String talk = tty("age -d -o " + out + " " + ours, "correct horse\n");
        assumeTrue(Files.exists(out), "script could not give age a terminal here: " + talk);
        assertThat(Files.readString(out)).isEqualTo("from karchive\n");

        Path plain = tmp.resolve("plain.txt");
        Files.writeString(plain, "from stock age\n");
        Path theirs = tmp.resolve("theirs.age");
        tty("age -p -o " + theirs + " " + plain, "correct horse\ncorrect horse\n");
        assertThat(theirs).exists();
        assertThat(decrypt(Files.readAllBytes(theirs), PASS)).isEqualTo("from stock age\n".getBytes());
    }

    static String tty(String cmd, String input) throws Exception {
        Process p = new ProcessBuilder("script", "-qec", cmd, "/dev/null").redirectErrorStream(true).start();
        p.getOutputStream().write(input.getBytes(StandardCharsets.UTF_8));
        p.getOutputStream().flush();
        String talk = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor();
        return talk;
    }

    static boolean has(String cmd) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, cmd))) {
                return true;
            }
        }
        return false;
    }
}

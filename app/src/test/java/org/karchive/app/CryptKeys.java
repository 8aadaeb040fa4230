package org.karchive.app;

import com.exceptionfactory.jagged.x25519.X25519KeyPairGenerator;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;

/** age keys for tests: an identity file and its recipient, as age-keygen would write them. */
record CryptKeys(Path identityFile, String recipient, String identity) {
    static CryptKeys create(Path dir, String name) throws IOException {
        try {
            KeyPair kp = new X25519KeyPairGenerator().generateKeyPair();
            String identity = kp.getPrivate().toString().strip();
            String recipient = kp.getPublic().toString().strip();
            Path f = dir.resolve(name + ".key");
            Files.writeString(f, "# created: test\n# public key: " + recipient + "\n" + identity + "\n");
            return new CryptKeys(f, recipient, identity);
        } catch (GeneralSecurityException e) {
            throw new IOException(e);
        }
    }

    static boolean hasCommand(String name) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, name))) {
                return true;
            }
        }
        return false;
    }
}

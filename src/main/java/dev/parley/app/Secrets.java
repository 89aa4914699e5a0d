package dev.parley.app;

import dev.parley.core.Tokens;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * The server secret ({@code PARLEY_SECRET}) and the keys derived from it, one per purpose, so a key
 * leaked from one use (say, cursors) says nothing about another (CSRF tokens).
 */
public final class Secrets {
    private final byte[] secret;

    private Secrets(byte[] secret) {
        this.secret = secret;
    }

    /** The configured secret, or on the embedded database the one in the data dir, made on first start. */
    public static Secrets load(Config config) {
        if (config.secret() != null) {
            return new Secrets(config.secret().getBytes(StandardCharsets.UTF_8));
        }
        Path file = config.dataDir().resolve("secret");
        try {
            Files.createDirectories(config.dataDir());
            if (!Files.exists(file)) {
                Path tmp = Files.createTempFile(config.dataDir(), ".secret-", ".tmp");
                try {
                    try {
                        Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-------"));
                    } catch (UnsupportedOperationException notPosix) {
                        // Not a POSIX file system: the data dir's own permissions protect it.
                    }
                    Files.writeString(tmp, Tokens.random("", 48), StandardOpenOption.TRUNCATE_EXISTING);
                    Files.createLink(file, tmp);
                } catch (FileAlreadyExistsException raced) {
                    // Another process made it first; read theirs.
                } finally {
                    Files.deleteIfExists(tmp);
                }
            }
            String value = Files.readString(file).trim();
            if (value.length() < 32) {
                throw new ConfigException("PARLEY_SECRET", "the generated secret in " + file + " is damaged; delete it or set PARLEY_SECRET");
            }
            return new Secrets(value.getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new ConfigException("PARLEY_DATA_DIR", "cannot write the secret file " + file + ": " + e.getMessage());
        }
    }

    public byte[] key(String purpose) {
        return Tokens.hmac(secret, "parley-key:" + purpose);
    }
}

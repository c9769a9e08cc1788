package io.dealsetl.app;

import io.dealsetl.postgres.TokenCipher;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where the key that encrypts stored HubSpot tokens comes from: TOKEN_ENCRYPTION_KEY, or a key file
 * created once in DATA_DIR. Every instance sharing a database must use the same key.
 */
final class TokenKeys {
    private static final Logger log = LoggerFactory.getLogger(TokenKeys.class);
    static final String KEY_FILE = "token-encryption.key";

    private TokenKeys() {
    }

    static TokenCipher cipher(Config config) {
        String previous = config.previousTokenKey();
        if (previous != null) {
            try {
                TokenCipher.fromBase64Key(previous);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("TOKEN_ENCRYPTION_KEY_PREVIOUS must be 32 bytes, base64-encoded");
            }
            if (config.tokenEncryptionKey() == null) {
                // a rotation needs the new key named: a generated one would differ on every instance
                throw new IllegalArgumentException("TOKEN_ENCRYPTION_KEY_PREVIOUS needs TOKEN_ENCRYPTION_KEY (the new key)");
            }
        }
        if (config.tokenEncryptionKey() != null) {
            try {
                return TokenCipher.fromBase64Keys(config.tokenEncryptionKey(), previous);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("TOKEN_ENCRYPTION_KEY must be 32 bytes, base64-encoded");
            }
        }
        if (!config.embeddedDatabase()) {
            log.warn("TOKEN_ENCRYPTION_KEY is not set: using the key file in {}; every instance sharing this"
                    + " database must use the same key", config.dataDir());
        }
        return TokenCipher.fromBase64Key(readOrCreate(config.dataDir().resolve(KEY_FILE)));
    }

    private static String readOrCreate(Path file) {
        try {
            if (Files.exists(file)) return Files.readString(file, StandardCharsets.US_ASCII).strip();
            Files.createDirectories(file.getParent());
            String key = TokenCipher.generateBase64Key();
            Path tmp = Files.createTempFile(file.getParent(), "key", ".tmp");
            try {
                Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-------"));
            } catch (UnsupportedOperationException notPosix) {
                // best effort on file systems without POSIX permissions
            }
            Files.writeString(tmp, key, StandardCharsets.US_ASCII);
            Files.move(tmp, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            log.info("created a token encryption key in {}", file);
            return key;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read or create " + file, e);
        }
    }
}

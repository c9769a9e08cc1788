package io.dealsetl.postgres.embedded;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;

/** The embedded database's password: generated once, kept in a file only its owner can read. */
final class Password {
    private static final String ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    private static final SecureRandom RANDOM = new SecureRandom();

    private Password() {
    }

    static String readOrCreate(Path file) throws IOException {
        if (Files.exists(file)) {
            String existing = Files.readString(file, StandardCharsets.US_ASCII).strip();
            if (existing.chars().allMatch(c -> ALPHABET.indexOf(c) >= 0) && existing.length() >= 24) return existing;
        }
        StringBuilder password = new StringBuilder(32);
        for (int i = 0; i < 32; i++) password.append(ALPHABET.charAt(RANDOM.nextInt(ALPHABET.length())));
        Path tmp = Files.createTempFile(file.getParent(), "password", ".tmp");
        try {
            Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-------"));
        } catch (UnsupportedOperationException notPosix) {
            // best effort on file systems without POSIX permissions
        }
        Files.writeString(tmp, password + "\n", StandardCharsets.US_ASCII);
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        return password.toString();
    }
}

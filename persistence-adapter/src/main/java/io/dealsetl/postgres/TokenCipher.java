package io.dealsetl.postgres;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Encrypts HubSpot tokens at rest with AES-256-GCM and a fresh 12-byte nonce per token. Thread-safe.
 * The stored form is base64(nonce || ciphertext+tag). During a key rotation it also holds the previous key:
 * tokens sealed with it still open (GCM's tag tells the keys apart), and new ones are sealed with the current key.
 */
final class TokenCipher {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final int NONCE_BYTES = 12;
    private static final int TAG_BITS = 128;

    private final SecretKeySpec key;
    /** The key being rotated away from, or null. */
    private final SecretKeySpec previous;

    private TokenCipher(byte[] key, byte[] previous) {
        this.key = new SecretKeySpec(key, "AES");
        this.previous = previous == null ? null : new SecretKeySpec(previous, "AES");
    }

    /** @throws IllegalArgumentException when the text is not base64 of exactly 32 bytes (the key is not echoed) */
    public static TokenCipher fromBase64Key(String base64Key) {
        return new TokenCipher(keyBytes(base64Key), null);
    }

    /**
     * A cipher that seals with {@code base64Key} and also opens what {@code base64PreviousKey} sealed.
     *
     * @throws IllegalArgumentException when a text is not base64 of exactly 32 bytes (the key is not echoed)
     */
    public static TokenCipher fromBase64Keys(String base64Key, String base64PreviousKey) {
        return new TokenCipher(keyBytes(base64Key), base64PreviousKey == null ? null : keyBytes(base64PreviousKey));
    }

    private static byte[] keyBytes(String base64Key) {
        byte[] key;
        try {
            key = Base64.getDecoder().decode(base64Key == null ? "" : base64Key.strip());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("token encryption key is not valid base64");
        }
        if (key.length != 32) throw new IllegalArgumentException("token encryption key must be 32 bytes (AES-256)");
        return key;
    }

    public static String generateBase64Key() {
        byte[] key = new byte[32];
        RANDOM.nextBytes(key);
        return Base64.getEncoder().encodeToString(key);
    }

    public String encrypt(String plainText) {
        try {
            byte[] nonce = new byte[NONCE_BYTES];
            RANDOM.nextBytes(nonce);
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, nonce));
            byte[] sealed = cipher.doFinal(plainText.getBytes(StandardCharsets.UTF_8));
            return Base64.getEncoder().encodeToString(ByteBuffer.allocate(nonce.length + sealed.length)
                    .put(nonce).put(sealed).array());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("token encryption failed", e);
        }
    }

    /** @throws IllegalStateException when the text was sealed with neither the current nor the previous key */
    public String decrypt(String stored) {
        return open(stored).plainText();
    }

    /** A token opened, and whether the current key sealed it (false: the previous one, so seal it again). */
    record Opened(String plainText, boolean current) {
        @Override
        public String toString() {
            return "Opened[current=" + current + "]";
        }
    }

    /** @throws IllegalStateException when the text was sealed with neither the current nor the previous key */
    Opened open(String stored) {
        String plain = tryDecrypt(key, stored);
        if (plain != null) return new Opened(plain, true);
        plain = previous == null ? null : tryDecrypt(previous, stored);
        if (plain != null) return new Opened(plain, false);
        throw new IllegalStateException("stored token cannot be decrypted with the configured key");
    }

    private static String tryDecrypt(SecretKeySpec with, String stored) {
        try {
            byte[] all = Base64.getDecoder().decode(stored);
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.DECRYPT_MODE, with, new GCMParameterSpec(TAG_BITS, all, 0, NONCE_BYTES));
            return new String(cipher.doFinal(all, NONCE_BYTES, all.length - NONCE_BYTES), StandardCharsets.UTF_8);
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            return null;
        }
    }
}

package io.dealsetl.domain.scan;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** A HubSpot access token. Never printed: {@link #toString()} masks it so no log line or message can leak it. */
public record AccessToken(String value) {
    public AccessToken {
        if (value == null || value.isBlank()) throw new IllegalArgumentException("access token is empty");
    }

    /**
     * A stable, non-reversible name for the token: what keys per-portal state (rate-limit budgets,
     * incremental watermarks) without keeping the token itself.
     */
    public String fingerprint() {
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(hash, 0, 12);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }

    @Override
    public String toString() {
        return "***";
    }
}

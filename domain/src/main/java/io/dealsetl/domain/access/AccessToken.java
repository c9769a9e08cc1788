package io.dealsetl.domain.access;

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
        return Sha256.hex(value).substring(0, 24);
    }

    @Override
    public String toString() {
        return "***";
    }
}

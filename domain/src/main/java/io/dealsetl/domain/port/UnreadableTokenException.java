package io.dealsetl.domain.port;

/** A stored HubSpot token that no configured key decrypts (the key was replaced without keeping the old one). */
public final class UnreadableTokenException extends RuntimeException {
    public UnreadableTokenException(String message) {
        super(message, null, false, false);
    }
}

package io.dealsetl.hubspot;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;

/**
 * Where an extraction with associations stands: the deal walk's own checkpoint, and how far the re-read of the
 * dataset's associations has come.
 *
 * @param deals         the deal walk's {@link Checkpoint} text as of the last deal emitted, or null at its start
 * @param refreshAfter  the last dataset deal id whose associations were re-read and emitted, or null before any
 * @param inputs        deals per association request, when HubSpot refused the documented 1,000 (else null)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
record AssociationsCheckpoint(String deals, String refreshAfter, Integer inputs) {
    static final AssociationsCheckpoint START = new AssociationsCheckpoint(null, null, null);

    /**
     * The position a checkpoint names: null or blank is the start; a plain deal-walk checkpoint (a scan written
     * before associations were read) is taken as the deal walk's position.
     *
     * @throws IllegalArgumentException when the text is neither
     */
    static AssociationsCheckpoint parse(String text) {
        if (text == null || text.isBlank()) return START;
        JsonNode node;
        try {
            node = HubSpotClient.JSON.readTree(text);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("not a HubSpot extraction checkpoint");
        }
        if (node == null || !node.isObject()) throw new IllegalArgumentException("not a HubSpot extraction checkpoint");
        if (node.has("phase")) return new AssociationsCheckpoint(Checkpoint.parse(text).text(), null, null);
        try {
            AssociationsCheckpoint at = HubSpotClient.JSON.treeToValue(node, AssociationsCheckpoint.class);
            if (at.deals() != null) Checkpoint.parse(at.deals());
            return at;
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("not a HubSpot extraction checkpoint");
        }
    }

    String text() {
        try {
            return HubSpotClient.JSON.writeValueAsString(this);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}

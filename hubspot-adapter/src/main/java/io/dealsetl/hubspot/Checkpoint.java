package io.dealsetl.hubspot;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;

/**
 * Where an extraction stands, as the opaque string the domain stores with each batch.
 *
 * @param phase       ACTIVE (list of live deals), CHANGES (search of changed deals), ARCHIVED, DONE
 * @param after       list cursor for the next page, or null at a phase's start
 * @param lowerMs     changes: next search starts at hs_lastmodifieddate &gt;= this
 * @param drainMs     changes: the millisecond being drained by id, or null
 * @param drainAfterId changes: drain continues after this hs_object_id
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
record Checkpoint(String phase, String after, Long lowerMs, Long drainMs, String drainAfterId,
                  java.util.List<Walk> walks) {

    /**
     * One id range of a partitioned list walk.
     *
     * @param after next cursor to fetch (the seed until the first page)
     * @param last  highest id the walk covers, or null for the last (open-ended) walk
     */
    record Walk(String after, Long last, boolean done) {
    }

    Checkpoint(String phase, String after, Long lowerMs, Long drainMs, String drainAfterId) {
        this(phase, after, lowerMs, drainMs, drainAfterId, null);
    }

    static final String ACTIVE = "ACTIVE";
    static final String CHANGES = "CHANGES";
    static final String ARCHIVED = "ARCHIVED";
    static final String DONE = "DONE";

    static Checkpoint parse(String text) {
        if (text == null || text.isBlank()) return null;
        try {
            return HubSpotClient.JSON.readValue(text, Checkpoint.class);
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

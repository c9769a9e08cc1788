package io.dealsetl.hubspot;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;

/**
 * Where an extraction stands, as the opaque string the domain stores with each batch.
 *
 * @param phase       ACTIVE (list of live deals), CHANGES (search of changed deals), ARCHIVED, DONE
 * @param after       list cursor for the next page, or null at a phase's start
 * @param lowerMs     changes, one lane (checkpoints written before lanes): next search starts at
 *                    hs_lastmodifieddate &gt;= this
 * @param drainMs     changes, one lane: the millisecond being drained by id, or null
 * @param drainAfterId changes, one lane: drain continues after this hs_object_id
 * @param walks       active: the id ranges of a partitioned list walk
 * @param lanes       changes: the id ranges the search walks in parallel
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
record Checkpoint(String phase, String after, Long lowerMs, Long drainMs, String drainAfterId,
                  java.util.List<Walk> walks, java.util.List<Lane> lanes) {

    /**
     * One id range of a partitioned list walk.
     *
     * @param after next cursor to fetch (the seed until the first page)
     * @param last  highest id the walk covers, or null for the last (open-ended) walk
     */
    record Walk(String after, Long last, boolean done) {
    }

    /**
     * One id range of the changes search, walked in keyset windows on hs_lastmodifieddate.
     *
     * @param firstId      lowest id the lane covers, or null from the lowest
     * @param lastId       highest id the lane covers, or null for the last (open-ended) lane
     * @param lowerMs      next search starts at hs_lastmodifieddate &gt;= this
     * @param drainMs      the millisecond being drained by id, or null
     * @param drainAfterId drain continues after this hs_object_id
     */
    record Lane(Long firstId, Long lastId, long lowerMs, Long drainMs, String drainAfterId, boolean done) {
    }

    Checkpoint(String phase, String after) {
        this(phase, after, null, null, null, null, null);
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

package io.dealsetl.hubspot;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import java.util.List;

/**
 * Where an extraction stands, as the opaque string the domain stores with each batch.
 *
 * @param phase          ACTIVE (live deals), CHANGES (search of changed deals), ARCHIVED, DONE
 * @param after          the cursor of a single list walk (archived deals, opaque cursors), or null at its start
 * @param ranges         active: the id ranges walked in parallel, each through the list endpoint or search
 * @param idsPerDeal     active: how sparse the ids are, to tell a range worth splitting
 * @param searchFallback why search is no longer used for this scan, or null while it is
 * @param lanes          changes: the id ranges the search walks in parallel
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
record Checkpoint(String phase, String after, List<Range> ranges, Long idsPerDeal, String searchFallback,
                  List<Lane> lanes) {

    static final String ACTIVE = "ACTIVE";
    static final String CHANGES = "CHANGES";
    static final String ARCHIVED = "ARCHIVED";
    static final String DONE = "DONE";

    /**
     * One id range of a full scan.
     *
     * @param via  LIST or SEARCH
     * @param from the lowest id not yet delivered
     * @param last the highest id the range covers, or null for the open end (deals created during the scan)
     */
    record Range(String via, long from, Long last, boolean done) {
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

    static Checkpoint parse(String text) {
        if (text == null || text.isBlank()) return null;
        try {
            Checkpoint c = HubSpotClient.JSON.readValue(text, Checkpoint.class);
            if (c.phase() == null) throw new IllegalArgumentException("not a HubSpot extraction checkpoint");
            return c;
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

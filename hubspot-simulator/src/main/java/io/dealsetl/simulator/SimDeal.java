package io.dealsetl.simulator;

import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/** A deal as the simulated portal holds it: every property as HubSpot's string value (null when unset). */
public record SimDeal(String id, Map<String, String> properties, Instant createdAt, Instant updatedAt,
                      boolean archived, Instant archivedAt) {
    public SimDeal {
        properties = Collections.unmodifiableMap(new LinkedHashMap<>(properties));
    }
}

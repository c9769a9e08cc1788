package io.dealsetl.domain.deal;

import java.util.Map;
import java.util.TreeMap;

/**
 * What a scan found: deal count, amounts, and deals per pipeline id and per stage id.
 */
public record ResultsSummary(long totalDeals, AmountSummary amounts, Map<String, Long> pipelines,
                             Map<String, Long> stages) {
    public ResultsSummary {
        // sorted so the JSON reads the same on every call
        pipelines = java.util.Collections.unmodifiableMap(new TreeMap<>(pipelines));
        stages = java.util.Collections.unmodifiableMap(new TreeMap<>(stages));
    }
}

package io.dealsetl.domain.scan;

import java.util.List;

/**
 * What a scan extracts.
 *
 * @param properties     deal properties to extract; empty means every deal property the portal has
 * @param includeArchived also extract archived (recycle-bin) deals, marked as archived
 * @param pipeline       only deals of this pipeline id, or null for every pipeline
 * @param batchSize      deals per page requested from HubSpot, 1..100
 */
public record ScanConfig(List<String> properties, boolean includeArchived, String pipeline, int batchSize) {
    public static final int MAX_BATCH_SIZE = 100;
    public static final int DEFAULT_BATCH_SIZE = 100;

    public ScanConfig {
        properties = List.copyOf(properties);
        if (batchSize < 1 || batchSize > MAX_BATCH_SIZE) {
            throw new IllegalArgumentException("batch size must be 1.." + MAX_BATCH_SIZE + ": " + batchSize);
        }
        if (pipeline != null && pipeline.isBlank()) pipeline = null;
    }

    public static ScanConfig defaults() {
        return new ScanConfig(List.of(), false, null, DEFAULT_BATCH_SIZE);
    }
}

package io.dealsetl.domain.dataset;

import io.dealsetl.domain.scan.ScanConfig;
import io.dealsetl.domain.scan.ScanId;
import java.time.Instant;

/**
 * A tenant's dataset as it stands: the current copy of its HubSpot deals that completed scans have built.
 *
 * @param version              increases by one with every applied scan
 * @param dealCount            deals in the dataset now, tombstones (deals HubSpot archived) not counted
 * @param archivedCount        tombstones, shown only when asked for
 * @param lastFullScanId       the full scan that last replaced the dataset; null while only incremental scans
 *                             were applied (a dataset started before datasets existed)
 * @param lastScanId           the last scan applied, full or incremental
 * @param syncedAt             when the last scan was applied
 * @param incrementalWatermark where the tenant's next incremental scan of the dataset's HubSpot portal starts
 *                             (before the overlap), or null when there is none
 * @param config               what the last full scan extracted (properties, pipeline, archived deals), which
 *                             the dataset reflects; null without a full scan
 */
public record DatasetState(String tenantId, long version, long dealCount, long archivedCount, ScanId lastFullScanId,
                           ScanId lastScanId, Instant syncedAt, Instant incrementalWatermark, ScanConfig config) {
}

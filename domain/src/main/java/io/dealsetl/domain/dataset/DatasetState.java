package io.dealsetl.domain.dataset;

import io.dealsetl.domain.scan.ScanConfig;
import io.dealsetl.domain.scan.ScanId;
import java.time.Instant;

/**
 * A tenant's dataset as it stands: the current copy of its HubSpot deals that completed scans have built.
 *
 * @param dealCount            deals in the dataset now, tombstones (archived deals) not counted
 * @param archivedCount        tombstones kept for deals HubSpot archived
 * @param lastFullScanId       the full scan the dataset was last replaced by
 * @param lastScanId           the last scan applied (full or incremental)
 * @param syncedAt             when the last scan was applied
 * @param incrementalWatermark the tenant's incremental watermark for the dataset's HubSpot portal, or null
 * @param config               the properties and filters of the last full scan, which the dataset reflects
 * @param version              increases by one with every applied scan
 */
public record DatasetState(String tenantId, long dealCount, long archivedCount, ScanId lastFullScanId,
                           ScanId lastScanId, Instant syncedAt, Instant incrementalWatermark, ScanConfig config,
                           long version) {
}

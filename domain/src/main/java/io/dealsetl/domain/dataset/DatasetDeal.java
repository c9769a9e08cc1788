package io.dealsetl.domain.dataset;

import io.dealsetl.domain.deal.Deal;
import io.dealsetl.domain.scan.ScanId;
import java.time.Instant;

/**
 * A deal as a dataset or an export holds it: the deal, and which scan wrote this version of it and when.
 *
 * @param extractedAt when the scan read it from HubSpot
 * @param scanId      the scan whose extraction this version is (for a dataset: the scan that last wrote the deal)
 * @param syncedAt    when that scan was applied to the dataset; null outside a dataset (a scan's export)
 */
public record DatasetDeal(Deal deal, Instant extractedAt, ScanId scanId, Instant syncedAt) {
}

package io.dealsetl.domain.dataset;

import io.dealsetl.domain.deal.DealQuery;

/**
 * A page of a dataset: the results query (page, limit, stage, pipeline, sort) and whether tombstones show.
 *
 * @param includeArchived also the deals HubSpot archived, as tombstones with {@code archivedAt}
 */
public record DatasetQuery(DealQuery page, boolean includeArchived) {
    public DatasetQuery {
        if (page == null) throw new IllegalArgumentException("page query is required");
    }

    public static DatasetQuery firstPage(int limit) {
        return new DatasetQuery(DealQuery.firstPage(limit), false);
    }

    /** The filters of this query without its paging and sorting, e.g. for an export. */
    public DealFilter filter() {
        return new DealFilter(page.stage(), page.pipeline(), includeArchived);
    }
}

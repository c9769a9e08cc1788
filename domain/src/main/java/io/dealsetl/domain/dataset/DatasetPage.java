package io.dealsetl.domain.dataset;

import io.dealsetl.domain.deal.AmountSummary;
import java.util.List;

/**
 * A page of a dataset as it stood at one version, with the size and amounts of everything matching its filters.
 *
 * @param totalResults deals matching the query's filters across all pages
 * @param summary      amount statistics over every deal matching the filters (paging ignored)
 */
public record DatasetPage(DatasetState state, DatasetQuery query, List<DatasetDeal> items, long totalResults,
                          AmountSummary summary) {
    public DatasetPage {
        items = List.copyOf(items);
    }

    public long totalPages() {
        return (totalResults + query.page().limit() - 1) / query.page().limit();
    }

    public boolean hasNext() {
        return query.page().page() < totalPages();
    }

    public boolean hasPrevious() {
        return query.page().page() > 1;
    }
}

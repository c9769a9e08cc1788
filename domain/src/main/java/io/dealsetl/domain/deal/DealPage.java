package io.dealsetl.domain.deal;

import java.util.List;

/**
 * A page of deals and the size of the whole (filtered) result.
 *
 * @param totalResults deals matching the query's filters across all pages
 */
public record DealPage(DealQuery query, List<StoredDeal> items, long totalResults) {
    public DealPage {
        items = List.copyOf(items);
    }

    public long totalPages() {
        return (totalResults + query.limit() - 1) / query.limit();
    }

    public boolean hasNext() {
        return query.page() < totalPages();
    }

    public boolean hasPrevious() {
        return query.page() > 1;
    }
}

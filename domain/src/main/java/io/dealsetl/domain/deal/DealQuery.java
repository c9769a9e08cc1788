package io.dealsetl.domain.deal;

/**
 * One page of a scan's stored deals.
 *
 * @param page     1-based page number
 * @param limit    deals per page, 1..1000
 * @param stage    only deals in this stage id, or null
 * @param pipeline only deals in this pipeline id, or null
 */
public record DealQuery(int page, int limit, String stage, String pipeline, DealSort sortBy, SortOrder sortOrder) {
    public static final int MAX_LIMIT = 1000;
    public static final int DEFAULT_LIMIT = 100;

    public DealQuery {
        if (page < 1) throw new IllegalArgumentException("page must be at least 1");
        if (limit < 1 || limit > MAX_LIMIT) throw new IllegalArgumentException("limit must be 1.." + MAX_LIMIT);
        if (sortBy == null) sortBy = DealSort.CLOSEDATE;
        if (sortOrder == null) sortOrder = SortOrder.ASC;
    }

    public static DealQuery firstPage(int limit) {
        return new DealQuery(1, limit, null, null, DealSort.CLOSEDATE, SortOrder.ASC);
    }

    public long offset() {
        return (long) (page - 1) * limit;
    }
}

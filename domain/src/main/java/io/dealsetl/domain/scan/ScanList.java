package io.dealsetl.domain.scan;

import java.util.List;

/**
 * A page of listed scans, newest first.
 *
 * @param totalResults scans matching the query across all pages
 */
public record ScanList(ScanListQuery query, List<Scan> scans, long totalResults) {
    public ScanList {
        scans = List.copyOf(scans);
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

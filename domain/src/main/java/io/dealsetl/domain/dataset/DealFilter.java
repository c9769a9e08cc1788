package io.dealsetl.domain.dataset;

/**
 * Which deals an export streams.
 *
 * @param stage           only deals in this stage id, or null
 * @param pipeline        only deals in this pipeline id, or null
 * @param includeArchived for a dataset, also its tombstones; a scan's export always holds every deal it extracted
 */
public record DealFilter(String stage, String pipeline, boolean includeArchived) {
    public static final DealFilter ALL = new DealFilter(null, null, false);
}

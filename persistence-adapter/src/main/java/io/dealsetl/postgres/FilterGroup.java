package io.dealsetl.postgres;

import io.dealsetl.domain.deal.DealQuery;
import java.util.Objects;

/**
 * One group of the result index's partitions: every deal, or the deals of one stage, one pipeline, or both.
 * Values are "" where the filter does not name them, as the index stores them.
 */
record FilterGroup(ResultIndex.Filter filter, String stage, String pipeline) {

    static FilterGroup of(String stage, String pipeline) {
        DealQuery query = new DealQuery(1, 1, stage, pipeline, null, null);
        return new FilterGroup(ResultIndex.Filter.of(query), stage == null ? "" : stage,
                pipeline == null ? "" : pipeline);
    }

    /** A query naming this group's filters, for the index's lookups by query. */
    DealQuery query() {
        return new DealQuery(1, 1, stage.isEmpty() ? null : stage, pipeline.isEmpty() ? null : pipeline, null, null);
    }

    /** True when a deal with these values belongs to the group. */
    boolean matches(String dealStage, String dealPipeline) {
        return (stage.isEmpty() || Objects.equals(stage, dealStage))
                && (pipeline.isEmpty() || Objects.equals(pipeline, dealPipeline));
    }
}

package io.dealsetl.domain.scan;

import io.dealsetl.domain.deal.AssociationKind;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * What a scan extracts.
 *
 * @param properties     deal properties to extract; empty means every deal property the portal has
 * @param includeArchived also extract archived (recycle-bin) deals, marked as archived
 * @param pipeline       only deals of this pipeline id, or null for every pipeline
 * @param batchSize      deals per page requested from HubSpot, 1..100
 * @param associations   the kinds of associated records read for every deal; empty for none
 * @param associationRefresh whether an incremental scan also re-reads the associations of the dataset's deals
 */
public record ScanConfig(List<String> properties, boolean includeArchived, String pipeline, int batchSize,
                         Set<AssociationKind> associations, AssociationRefresh associationRefresh) {
    public static final int MAX_BATCH_SIZE = 100;
    public static final int DEFAULT_BATCH_SIZE = 100;

    public ScanConfig {
        properties = List.copyOf(properties);
        if (batchSize < 1 || batchSize > MAX_BATCH_SIZE) {
            throw new IllegalArgumentException("batch size must be 1.." + MAX_BATCH_SIZE + ": " + batchSize);
        }
        if (pipeline != null && pipeline.isBlank()) pipeline = null;
        associations = associations == null || associations.isEmpty() ? Set.of()
                : Collections.unmodifiableSet(EnumSet.copyOf(associations));
        if (associationRefresh == null) associationRefresh = AssociationRefresh.EVERY_SCAN;
    }

    /** A config reading no associations. */
    public ScanConfig(List<String> properties, boolean includeArchived, String pipeline, int batchSize) {
        this(properties, includeArchived, pipeline, batchSize, Set.of(), AssociationRefresh.EVERY_SCAN);
    }

    /** Whether an incremental scan of this config re-reads the associations of every deal in the dataset. */
    public boolean refreshesAssociations() {
        return !associations.isEmpty() && associationRefresh == AssociationRefresh.EVERY_SCAN;
    }

    public static ScanConfig defaults() {
        return new ScanConfig(List.of(), false, null, DEFAULT_BATCH_SIZE);
    }
}

package io.dealsetl.domain.deal;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.Map;

/**
 * A HubSpot deal as extracted: the well-known properties typed, every extracted property kept raw.
 * Any typed field may be null when HubSpot has no value for it.
 *
 * @param id            HubSpot record id (numeric, often longer than an int)
 * @param pipelineLabel the pipeline's display name, when HubSpot's pipelines could be read
 * @param stageLabel    the stage's display name, when HubSpot's pipelines could be read
 * @param properties    every property HubSpot returned, raw strings, in its order; values may be null
 * @param associations  the companies, contacts and line items of the kinds the scan asked for
 */
public record Deal(
        String id,
        String name,
        BigDecimal amount,
        String stage,
        String pipeline,
        Instant closeDate,
        Instant createDate,
        Instant lastModified,
        String ownerId,
        String dealType,
        boolean archived,
        Instant archivedAt,
        String pipelineLabel,
        String stageLabel,
        Map<String, String> properties,
        Associations associations) {

    public Deal {
        if (id == null || id.isBlank()) throw new IllegalArgumentException("deal id is required");
        // HubSpot sends null property values, and Map.copyOf would throw on them
        properties = RawProperties.copyOf(properties);
        if (associations == null) associations = Associations.NONE;
    }

    /** A deal read without associations. */
    public Deal(String id, String name, BigDecimal amount, String stage, String pipeline, Instant closeDate,
                Instant createDate, Instant lastModified, String ownerId, String dealType, boolean archived,
                Instant archivedAt, String pipelineLabel, String stageLabel, Map<String, String> properties) {
        this(id, name, amount, stage, pipeline, closeDate, createDate, lastModified, ownerId, dealType, archived,
                archivedAt, pipelineLabel, stageLabel, properties, Associations.NONE);
    }

    /** This deal with its associations as read. */
    public Deal withAssociations(Associations read) {
        return new Deal(id, name, amount, stage, pipeline, closeDate, createDate, lastModified, ownerId, dealType,
                archived, archivedAt, pipelineLabel, stageLabel, properties, read);
    }
}

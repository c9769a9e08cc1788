package io.dealsetl.hubspot;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dealsetl.domain.deal.Deal;
import io.dealsetl.domain.port.DealBatch;
import io.dealsetl.domain.port.DealStream;
import io.dealsetl.domain.scan.SourceStats;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * An incremental extraction: deals modified since a watermark, read from the search API in keyset windows.
 * Every query starts at offset 0 from the last seen hs_lastmodifieddate (GTE, so equal timestamps on a
 * window's edge are read again and de-duplicated by id), so the 10,000-result cap never applies and deals
 * modified during the scan move ahead of the window instead of shifting offsets. When a whole page shares
 * one millisecond, that millisecond is drained by hs_object_id. Archived deals (which search never returns)
 * come from the archived list, filtered by archivedAt.
 */
final class ChangesStream implements DealStream {
    static final int PAGE = 200;

    private final Extraction extraction;
    private final long sinceMs;
    private String phase;
    private long lowerMs;
    private Long drainMs;
    private String drainAfterId;
    private String after;
    private final Set<String> seenAtLower = new HashSet<>();
    private final java.util.concurrent.ExecutorService prefetch;
    /** The next search, already sent while the current page is being stored. */
    private java.util.concurrent.CompletableFuture<JsonNode> ahead;
    private Long total;

    ChangesStream(Extraction extraction, Checkpoint from, java.util.concurrent.ExecutorService prefetch) {
        this.extraction = extraction;
        this.prefetch = prefetch;
        this.sinceMs = extraction.request.modifiedSince().toEpochMilli();
        if (from == null) {
            phase = Checkpoint.CHANGES;
            lowerMs = sinceMs;
        } else {
            phase = from.phase();
            lowerMs = from.lowerMs() == null ? sinceMs : from.lowerMs();
            drainMs = from.drainMs();
            drainAfterId = from.drainAfterId();
            after = from.after();
        }
    }

    @Override
    public long expectedTotal() {
        if (total == null) {
            List<ObjectNode> filters = extraction.pipelineFilter();
            filters.add(Extraction.filter("hs_lastmodifieddate", "GTE", Long.toString(sinceMs)));
            total = extraction.count(filters);
        }
        return total;
    }

    @Override
    public Optional<DealBatch> next() {
        while (true) {
            switch (phase) {
                case Checkpoint.CHANGES -> {
                    Optional<DealBatch> batch = drainMs != null ? drainPage() : windowPage();
                    if (batch.isPresent()) return batch;
                }
                case Checkpoint.ARCHIVED -> {
                    return Optional.of(archivedPage());
                }
                default -> {
                    return Optional.empty();
                }
            }
        }
    }

    /** The search the current state calls for: the window from lowerMs, or the drain of one millisecond. */
    private JsonNode searchNow() {
        List<ObjectNode> filters = extraction.pipelineFilter();
        if (drainMs != null) {
            filters.add(Extraction.filter("hs_lastmodifieddate", "EQ", Long.toString(drainMs)));
            filters.add(Extraction.filter("hs_object_id", "GT", drainAfterId));
            return search(filters, "hs_object_id");
        }
        filters.add(Extraction.filter("hs_lastmodifieddate", "GTE", Long.toString(lowerMs)));
        return search(filters, "hs_lastmodifieddate");
    }

    private JsonNode nextAnswer() {
        java.util.concurrent.CompletableFuture<JsonNode> sent = ahead;
        ahead = null;
        return sent == null ? searchNow() : Extraction.await(sent);
    }

    /** Sends the next search now, so it travels while the current batch is stored. */
    private void sendAhead() {
        if (phase.equals(Checkpoint.CHANGES)) ahead = java.util.concurrent.CompletableFuture.supplyAsync(this::searchNow, prefetch);
    }

    private Optional<DealBatch> windowPage() {
        JsonNode answer = nextAnswer();
        JsonNode results = answer.path("results");
        List<JsonNode> fresh = new ArrayList<>();
        long maxMs = lowerMs;
        for (JsonNode r : results) {
            long modified = modifiedMs(r);
            if (modified == lowerMs && seenAtLower.contains(r.path("id").asText())) continue;
            fresh.add(r);
            maxMs = Math.max(maxMs, modified);
        }
        boolean full = results.size() >= PAGE;
        if (full && fresh.isEmpty()) {
            // a whole page shares lowerMs and was seen already: drain that millisecond by id
            drainMs = lowerMs;
            drainAfterId = "0";
            return Optional.empty();
        }
        if (maxMs > lowerMs) {
            lowerMs = maxMs;
            seenAtLower.clear();
        }
        for (JsonNode r : fresh) {
            if (modifiedMs(r) == lowerMs) seenAtLower.add(r.path("id").asText());
        }
        if (!full) finishChanges();
        sendAhead();
        return Optional.of(batch(fresh, false));
    }

    private Optional<DealBatch> drainPage() {
        JsonNode results = nextAnswer().path("results");
        List<JsonNode> page = new ArrayList<>();
        String lastId = drainAfterId;
        for (JsonNode r : results) {
            lastId = r.path("id").asText();
            // the window pages already delivered some of this millisecond's deals
            if (!seenAtLower.contains(lastId)) page.add(r);
        }
        if (results.size() < PAGE) {
            lowerMs = drainMs + 1;
            drainMs = null;
            drainAfterId = null;
            seenAtLower.clear();
        } else {
            drainAfterId = lastId;
        }
        sendAhead();
        return Optional.of(batch(page, false));
    }

    private DealBatch archivedPage() {
        JsonNode page = extraction.listPage(true, after);
        String next = page.path("paging").path("next").path("after").asText(null);
        after = next == null || next.isEmpty() ? null : next;
        if (after == null) phase = Checkpoint.DONE;
        Extraction.Mapped mapped = extraction.map(page.path("results"), true);
        List<Deal> changed = mapped.deals().stream()
                .filter(d -> d.archivedAt() == null || d.archivedAt().toEpochMilli() >= sinceMs).toList();
        return new DealBatch(changed, mapped.failed(), checkpoint());
    }

    private void finishChanges() {
        // archived deals are changes too: an incremental scan reports what was archived since the watermark
        phase = Checkpoint.ARCHIVED;
        after = null;
    }

    private JsonNode search(List<ObjectNode> filters, String sortBy) {
        ObjectNode body = HubSpotClient.JSON.createObjectNode();
        body.putArray("filterGroups").addObject().putArray("filters").addAll(filters);
        body.putArray("sorts").addObject().put("propertyName", sortBy).put("direction", "ASCENDING");
        ArrayNode props = body.putArray("properties");
        extraction.properties.forEach(props::add);
        body.put("limit", PAGE);
        return extraction.client.post(extraction.token, "/crm/v3/objects/deals/search", body, true, extraction.cost);
    }

    private DealBatch batch(List<JsonNode> records, boolean archived) {
        ArrayNode array = HubSpotClient.JSON.createArrayNode();
        records.forEach(array::add);
        Extraction.Mapped mapped = extraction.map(array, archived);
        return new DealBatch(mapped.deals(), mapped.failed(), checkpoint());
    }

    private String checkpoint() {
        return new Checkpoint(phase, after, lowerMs, drainMs, drainAfterId).text();
    }

    private static long modifiedMs(JsonNode record) {
        java.time.Instant t = DealMapper.instant(record.path("properties").path("hs_lastmodifieddate").asText(null));
        if (t == null) t = DealMapper.instant(record.path("updatedAt").asText(null));
        return t == null ? 0 : t.toEpochMilli();
    }

    @Override
    public SourceStats stats() {
        return extraction.stats();
    }

    @Override
    public void close() {
        if (ahead != null) ahead.cancel(true);
    }
}

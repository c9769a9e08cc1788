package io.dealsetl.hubspot;

import com.fasterxml.jackson.databind.JsonNode;
import io.dealsetl.domain.port.DealBatch;
import io.dealsetl.domain.port.DealStream;
import io.dealsetl.domain.scan.SourceStats;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;

/**
 * A full extraction: the list endpoint page by page with HubSpot's {@code after} cursor, then the archived
 * list when asked for. The next page is fetched while the current one is being stored.
 */
final class ListStream implements DealStream {
    private final Extraction extraction;
    private final ExecutorService prefetch;
    private String phase;
    private String after;
    private CompletableFuture<JsonNode> ahead;
    private Long total;

    ListStream(Extraction extraction, Checkpoint from, ExecutorService prefetch) {
        this.extraction = extraction;
        this.prefetch = prefetch;
        this.phase = from == null ? Checkpoint.ACTIVE : from.phase();
        this.after = from == null ? null : from.after();
    }

    @Override
    public long expectedTotal() {
        if (total == null) total = extraction.count(extraction.pipelineFilter());
        return total;
    }

    @Override
    public Optional<DealBatch> next() {
        if (phase.equals(Checkpoint.DONE)) return Optional.empty();
        boolean archived = phase.equals(Checkpoint.ARCHIVED);
        JsonNode page = ahead != null ? join(ahead) : extraction.listPage(archived, after);
        ahead = null;
        String next = page.path("paging").path("next").path("after").asText(null);
        if (next != null && !next.isEmpty()) {
            after = next;
            String cursor = next;
            ahead = CompletableFuture.supplyAsync(() -> extraction.listPage(archived, cursor), prefetch);
        } else {
            after = null;
            phase = archived || !extraction.request.config().includeArchived() ? Checkpoint.DONE : Checkpoint.ARCHIVED;
        }
        Extraction.Mapped mapped = extraction.map(page.path("results"), archived);
        return Optional.of(new DealBatch(mapped.deals(), mapped.failed(),
                new Checkpoint(phase, after, null, null, null).text()));
    }

    @Override
    public SourceStats stats() {
        return extraction.stats();
    }

    @Override
    public void close() {
        if (ahead != null) ahead.cancel(true);
    }

    private static JsonNode join(CompletableFuture<JsonNode> future) {
        try {
            return future.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException r) throw r;
            throw e;
        }
    }
}

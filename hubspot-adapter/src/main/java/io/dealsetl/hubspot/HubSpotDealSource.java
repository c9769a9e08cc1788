package io.dealsetl.hubspot;

import io.dealsetl.domain.access.AccessToken;
import io.dealsetl.domain.port.DealSource;
import io.dealsetl.domain.port.DealStream;
import io.dealsetl.domain.port.ExtractionFailure;
import io.dealsetl.domain.port.ExtractionRequest;
import io.dealsetl.domain.scan.ScanError;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Deals from HubSpot's CRM v3 API. Full scans read live deals by id range through the list endpoint and the
 * search API at once (HubSpot budgets them apart), then the archived list when asked; incremental scans walk the
 * search API in keyset windows on hs_lastmodifieddate, so the 10,000-result search cap never applies. Deals'
 * associations, when asked for, come from v4 batch read, 1,000 deals per request and kind.
 *
 * <p>Thread-safe: one source serves every scan, sharing each token's rate budgets. {@link #close()} stops the
 * threads it started (its walks, OkHttp's dispatcher and connection pool); streams still open then fail.
 */
public final class HubSpotDealSource implements DealSource, AutoCloseable {
    private final HubSpotClient client;
    private final HubSpotSettings settings;
    private final ExecutorService walks;
    private final String threadPrefix;
    /** Numbers each source's threads apart, for thread dumps of an application that runs several. */
    private static final AtomicInteger SOURCES = new AtomicInteger();

    private HubSpotDealSource(HubSpotSettings settings) {
        this.settings = settings;
        this.client = new HubSpotClient(settings);
        AtomicInteger n = new AtomicInteger();
        this.threadPrefix = "hubspot-" + SOURCES.incrementAndGet() + "-walk-";
        String prefix = threadPrefix;
        this.walks = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, prefix + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    public static HubSpotDealSource create(HubSpotSettings settings) {
        return new HubSpotDealSource(settings);
    }

    /**
     * Reads nothing yet: the property list and labels are read with the stream's first page. When the config asks
     * for associations, every deal carries them, and the deals named by {@link ExtractionRequest#refreshed()} have
     * theirs re-read as well.
     */
    @Override
    public DealStream open(AccessToken token, ExtractionRequest request, String checkpoint) {
        boolean associations = !request.config().associations().isEmpty();
        Checkpoint from;
        AssociationsCheckpoint at = null;
        try {
            if (associations) {
                at = AssociationsCheckpoint.parse(checkpoint);
                from = Checkpoint.parse(at.deals());
            } else {
                from = Checkpoint.parse(checkpoint);
            }
        } catch (IllegalArgumentException e) {
            throw new ExtractionFailure(new ScanError(ScanError.INTERNAL, "The scan's checkpoint cannot be read",
                    "Start a new scan"));
        }
        Extraction extraction = new Extraction(client, settings, token, request, walks);
        DealStream walk = request.modifiedSince() == null ? new FullStream(extraction, from)
                : new ChangesStream(extraction, from);
        if (!associations) return walk;
        return new AssociatingStream(extraction, walk, at, request.refreshed());
    }

    String threadPrefix() {
        return threadPrefix;
    }

    HubSpotClient client() {
        return client;
    }

    /** Stops every thread this source started, waiting up to 10 s for walks to notice. Idempotent. */
    @Override
    public void close() {
        walks.shutdownNow();
        try {
            walks.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        client.close();
    }
}

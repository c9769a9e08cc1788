package io.dealsetl.domain.port;

import io.dealsetl.domain.scan.ScanConfig;
import java.time.Instant;

/**
 * What to extract.
 *
 * @param modifiedSince only deals created, changed or archived at or after this instant; null for all deals
 * @param refreshed     deals whose associations are re-read too, although they may not have changed (HubSpot does
 *                      not date association changes); null for none. Given only when the config asks for
 *                      associations; the stream reports them in {@link DealBatch#refreshed()}.
 */
public record ExtractionRequest(ScanConfig config, Instant modifiedSince, DealIds refreshed) {
    public ExtractionRequest {
        if (config == null) throw new IllegalArgumentException("config is required");
    }

    /** An extraction that re-reads nothing beyond the deals it extracts. */
    public ExtractionRequest(ScanConfig config, Instant modifiedSince) {
        this(config, modifiedSince, null);
    }
}

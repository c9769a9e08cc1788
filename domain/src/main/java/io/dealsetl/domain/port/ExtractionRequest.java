package io.dealsetl.domain.port;

import io.dealsetl.domain.scan.ScanConfig;
import java.time.Instant;

/**
 * What to extract.
 *
 * @param modifiedSince only deals created, changed or archived at or after this instant; null for all deals
 */
public record ExtractionRequest(ScanConfig config, Instant modifiedSince) {
    public ExtractionRequest {
        if (config == null) throw new IllegalArgumentException("config is required");
    }
}

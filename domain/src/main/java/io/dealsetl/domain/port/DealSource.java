package io.dealsetl.domain.port;

import io.dealsetl.domain.access.AccessToken;

/**
 * Where deals come from (HubSpot). Implementations are thread-safe: one source serves every scan.
 */
public interface DealSource {

    /**
     * Opens an extraction. Nothing need be fetched yet, but the stream knows the expected total
     * once {@link DealStream#expectedTotal()} returns.
     *
     * @param checkpoint the {@link DealBatch#checkpoint()} of the last stored batch, to resume after it;
     *                   null to start from the beginning
     * @throws ExtractionFailure when the source refuses the extraction (bad token, missing scope, ...)
     */
    DealStream open(AccessToken token, ExtractionRequest request, String checkpoint);
}

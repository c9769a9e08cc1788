package io.dealsetl.domain.dataset;

import java.io.IOException;
import java.util.List;

/**
 * Where an export streams its deals: told the property columns first, then handed each deal in turn. A sink that
 * throws ends the export there (e.g. its client went away); nothing is held back or buffered for it.
 */
public interface DealSink {

    /**
     * Called once, before the first deal.
     *
     * @param properties the HubSpot properties the exported scans asked for beyond the deal's own fields, in order
     */
    void begin(List<String> properties) throws IOException;

    void accept(DatasetDeal deal) throws IOException;
}

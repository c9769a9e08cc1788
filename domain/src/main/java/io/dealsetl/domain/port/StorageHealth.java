package io.dealsetl.domain.port;

import java.time.Duration;

/** A cheap check that the database answers. */
public interface StorageHealth {

    /**
     * @return how long a trivial query took
     * @throws io.dealsetl.domain.port.StorageUnavailableException when the database does not answer
     */
    Duration ping();
}

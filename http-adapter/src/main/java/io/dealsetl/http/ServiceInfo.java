package io.dealsetl.http;

import java.time.Instant;
import java.util.function.IntSupplier;

/**
 * What /health and /api/v1/stats report beyond the stored scans.
 *
 * @param runningScans scans this instance is running now
 */
public record ServiceInfo(String version, Instant startedAt, IntSupplier runningScans) {
}

package io.dealsetl.app;

import io.dealsetl.domain.port.ScanObserver;
import io.dealsetl.domain.scan.ScanError;
import io.dealsetl.domain.scan.ScanId;
import io.dealsetl.domain.scan.ScanType;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.slf4j.MDC;

/**
 * Scans seen through Micrometer and the logging context. Labels are the scan type and the error code, both
 * few and fixed: never a tenant, scan id, token or key.
 */
final class ScanTelemetry implements ScanObserver {
    static final String SCAN_ID = "scan_id";
    static final String TENANT_ID = "tenant_id";
    /** Shown at 0 from the start: a series that appears at 1 shows no increase to an alert rule. */
    private static final List<String> KNOWN_ERRORS = List.of(ScanError.AUTHENTICATION, ScanError.PERMISSION,
            ScanError.SOURCE_UNAVAILABLE, ScanError.SOURCE_RATE_LIMITED, ScanError.SOURCE_REJECTED, ScanError.STORAGE,
            ScanError.INTERNAL);

    private final MeterRegistry registry;
    private final Map<ScanType, Counter> started = new EnumMap<>(ScanType.class);
    private final Map<ScanType, Counter> completed = new EnumMap<>(ScanType.class);
    private final Map<ScanType, Counter> cancelled = new EnumMap<>(ScanType.class);
    private final Map<ScanType, Counter> extracted = new EnumMap<>(ScanType.class);
    private final Map<ScanType, Counter> stored = new EnumMap<>(ScanType.class);
    private final Timer storeTime;

    ScanTelemetry(MeterRegistry registry) {
        this.registry = registry;
        // registered up front, so every series shows 0 before its first event and rates work from the start
        for (ScanType type : ScanType.values()) {
            started.put(type, counter("etl.scans.started", "Scans accepted", type));
            completed.put(type, counter("etl.scans.completed", "Scans completed", type));
            cancelled.put(type, counter("etl.scans.cancelled", "Scans cancelled", type));
            extracted.put(type, counter("etl.deals.extracted", "Deals received from HubSpot in stored batches", type));
            stored.put(type, counter("etl.deals.stored", "Deals new to their scan, stored", type));
        }
        for (ScanType type : ScanType.values()) {
            for (String code : KNOWN_ERRORS) failedCounter(type, code);
        }
        storeTime = Timer.builder("etl.batch.store")
                .description("Time to store one batch of deals with its checkpoint")
                .serviceLevelObjectives(Duration.ofMillis(10), Duration.ofMillis(25), Duration.ofMillis(50),
                        Duration.ofMillis(100), Duration.ofMillis(250), Duration.ofMillis(500), Duration.ofSeconds(1),
                        Duration.ofMillis(2500), Duration.ofSeconds(5))
                .register(registry);
    }

    private Counter counter(String name, String description, ScanType type) {
        return Counter.builder(name).description(description).tag("type", type.wireName()).register(registry);
    }

    /** Restores the outer values after (MDC.putCloseable would remove them): a cancel is logged within a request. */
    @Override
    public void within(ScanId scan, String tenantId, Runnable work) {
        String outerScan = MDC.get(SCAN_ID);
        String outerTenant = MDC.get(TENANT_ID);
        MDC.put(SCAN_ID, scan.value());
        MDC.put(TENANT_ID, tenantId);
        try {
            work.run();
        } finally {
            restore(SCAN_ID, outerScan);
            restore(TENANT_ID, outerTenant);
        }
    }

    private static void restore(String key, String value) {
        if (value == null) {
            MDC.remove(key);
        } else {
            MDC.put(key, value);
        }
    }

    @Override
    public void started(ScanType type) {
        started.get(type).increment();
    }

    @Override
    public void completed(ScanType type) {
        completed.get(type).increment();
    }

    @Override
    public void failed(ScanType type, String errorCode) {
        failedCounter(type, errorCode).increment();
    }

    private Counter failedCounter(ScanType type, String errorCode) {
        return Counter.builder("etl.scans.failed").description("Scans failed, by error code")
                .tags("type", type.wireName(), "error", errorCode).register(registry);
    }

    @Override
    public void cancelled(ScanType type) {
        cancelled.get(type).increment();
    }

    @Override
    public void batchStored(ScanType type, int extractedDeals, long storedDeals, Duration took) {
        extracted.get(type).increment(extractedDeals);
        stored.get(type).increment(storedDeals);
        storeTime.record(took);
    }
}

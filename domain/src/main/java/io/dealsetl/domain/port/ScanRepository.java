package io.dealsetl.domain.port;

import io.dealsetl.domain.access.AccessToken;
import io.dealsetl.domain.access.TenantScope;
import io.dealsetl.domain.scan.Scan;
import io.dealsetl.domain.scan.ScanId;
import io.dealsetl.domain.scan.ScanStatistics;
import io.dealsetl.domain.scan.ScanStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * Stored scans, shared by every instance of the service. Thread-safe. Every method may throw
 * {@link io.dealsetl.domain.port.StorageUnavailableException} when the database cannot be reached.
 */
public interface ScanRepository {

    /**
     * Stores a new pending scan with the token it runs with (kept encrypted until the scan ends).
     *
     * @throws io.dealsetl.domain.scan.TenantBusyException when the tenant already has a pending or
     *         running scan; enforced by the database, so concurrent starts cannot both succeed
     */
    void insert(Scan scan, AccessToken token);

    Optional<Scan> find(ScanId id);

    /**
     * Replaces the stored scan with {@code next} only if its status is still {@code expected} and,
     * when {@code leaseHolder} is not null, that worker still holds its lease. A change to a terminal
     * status also forgets the token and releases the lease; completion also advances the tenant's
     * watermark for the scan's source to {@link Scan#windowEnd()} and applies the scan to the tenant's dataset
     * (see {@link DatasetRepository}), in the same transaction, after every scan of the tenant completed before
     * it. Processed and failed counts and source
     * stats are not written here: {@link DealRepository#append} owns them, so a change based on a scan read a
     * moment ago cannot roll progress back.
     *
     * @return false when the stored scan changed meanwhile (nothing was written)
     */
    boolean compareAndSet(ScanStatus expected, Scan next, String leaseHolder);

    /**
     * Deletes the scan and its deals. A scan whose deals its tenant's dataset still shows leaves the scans at once
     * (not found, not listed) while those deals stay until the dataset no longer shows them.
     *
     * @return deals deleted, or empty when there was no such scan
     */
    Optional<Long> delete(ScanId id);

    /** When the tenant's last completed scan of this source began extracting; empty when there is none. */
    Optional<Instant> watermark(String tenantId, String sourceKey);

    /**
     * Leases the oldest scan that needs a worker: pending or running, and not under a live lease
     * (its worker died). Never hands one scan to two workers at once.
     */
    Optional<LeasedScan> claimNext(String workerId, Instant now, Duration lease);

    /** Extends the worker's lease; false when the worker no longer holds it. */
    boolean renewLease(ScanId id, String workerId, Instant until);

    /** Gives the lease up so another worker may resume the scan at once. */
    void releaseLease(ScanId id, String workerId);

    /** Counts over the scans of the tenants in scope (every scan for {@link TenantScope#ALL}). */
    ScanStatistics statistics(TenantScope scope);
}

package io.dealsetl.postgres;

import io.dealsetl.domain.port.LeasedScan;
import io.dealsetl.domain.port.ScanRepository;
import io.dealsetl.domain.access.AccessToken;
import io.dealsetl.domain.access.TenantScope;
import io.dealsetl.domain.scan.Scan;
import io.dealsetl.domain.scan.ScanError;
import io.dealsetl.domain.scan.ScanId;
import io.dealsetl.domain.scan.ScanStatistics;
import io.dealsetl.domain.scan.ScanStatus;
import io.dealsetl.domain.scan.TenantBusyException;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.function.Supplier;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Scans in PostgreSQL; see the port for the contract. Thread-safe. */
final class PostgresScanRepository implements ScanRepository {
    private static final Logger log = LoggerFactory.getLogger(PostgresScanRepository.class);

    private final Jdbi jdbi;
    private final TokenCipher cipher;
    private final Clock clock;

    public PostgresScanRepository(Jdbi jdbi, TokenCipher cipher, Clock clock) {
        this.jdbi = jdbi;
        this.cipher = cipher;
        this.clock = clock;
    }

    @Override
    public void insert(Scan scan, AccessToken token) {
        try {
            guarded(() -> jdbi.withHandle(h -> ScanRows.bind(h.createUpdate(
                    "INSERT INTO scans (" + ScanRows.COLUMNS + ", token_ciphertext) VALUES (" + ScanRows.VALUES
                            + ", :token)"), scan).bind("token", cipher.encrypt(token.value())).execute()));
        } catch (RuntimeException e) {
            if (!SqlFailures.isUniqueViolation(e)) throw e;
            ScanId active = guarded(() -> jdbi.withHandle(h -> h.createQuery("""
                    SELECT id FROM scans WHERE tenant_id = :tenant AND <active>""")
                    .define("active", ScanRows.ACTIVE).bind("tenant", scan.tenantId()).mapTo(String.class).findOne()))
                    .map(ScanId::parse).orElse(null);
            if (active == null) throw e; // the active scan finished meanwhile; let the caller retry
            throw new TenantBusyException(scan.tenantId(), active);
        }
    }

    @Override
    public Optional<Scan> find(ScanId id) {
        // every results page reads its scan first, so this one takes the plain JDBC path
        return guarded(() -> jdbi.withHandle(h -> Jdbc.list(h, "SELECT * FROM scans WHERE id = ? AND deleted_at IS NULL",
                select -> select.setString(1, id.value()), row -> ScanRows.MAPPER.map(row, null))
                .stream().findFirst()));
    }

    @Override
    public boolean compareAndSet(ScanStatus expected, Scan next, String leaseHolder) {
        boolean changed = guarded(() -> jdbi.inTransaction(h -> {
            String leaseCheck = leaseHolder == null ? "" : " AND lease_owner = :holder";
            String terminal = next.status().isTerminal()
                    ? ", token_ciphertext = NULL, lease_owner = NULL, lease_until = NULL" : "";
            int updated = ScanRows.bind(h.createUpdate("UPDATE scans SET " + ScanRows.ASSIGNMENTS + terminal
                            + " WHERE id = :id AND status = :expected" + leaseCheck), next)
                    .bind("expected", expected.wireName())
                    .bind("holder", leaseHolder)
                    .execute();
            if (updated == 1 && next.status() == ScanStatus.COMPLETED && next.windowEnd() != null) {
                h.createUpdate("""
                        INSERT INTO watermarks (tenant_id, source_key, watermark) VALUES (:tenant, :source, :watermark)
                        ON CONFLICT (tenant_id, source_key)
                        DO UPDATE SET watermark = GREATEST(watermarks.watermark, EXCLUDED.watermark)""")
                        .bind("tenant", next.tenantId()).bind("source", next.sourceKey())
                        .bind("watermark", ScanRows.ts(next.windowEnd())).execute();
            }
            if (updated == 1 && next.status() == ScanStatus.COMPLETED) DatasetApply.apply(h, next);
            if (updated == 1 && next.status().isTerminal() && next.status() != ScanStatus.COMPLETED) {
                // re-read associations of a scan that will never be applied
                h.execute("DELETE FROM scan_associations WHERE scan_id = ?", next.id().value());
            }
            return updated == 1;
        }));
        if (changed && next.status() == ScanStatus.COMPLETED) collectDeleted(next.tenantId());
        return changed;
    }

    /** Best effort: what is left now is collected after the tenant's next completed scan. */
    private void collectDeleted(String tenantId) {
        try {
            guarded(() -> {
                DatasetApply.collectDeleted(jdbi, tenantId);
                return null;
            });
        } catch (RuntimeException e) {
            log.warn("deleted scans of tenant {} not collected yet: {}", tenantId, e.getMessage());
        }
    }

    @Override
    public Optional<Long> delete(ScanId id) {
        return guarded(() -> jdbi.inTransaction(h -> {
            // locked first, so a batch being stored either commits before its deals are deleted or finds the
            // scan gone: nothing holds deals to their scan but this
            Optional<String> tenant = h.createQuery(
                            "SELECT tenant_id FROM scans WHERE id = :id AND deleted_at IS NULL FOR UPDATE")
                    .bind("id", id.value()).mapTo(String.class).findOne();
            if (tenant.isEmpty()) return Optional.<Long>empty();
            if (DatasetApply.referenced(h, tenant.get(), id.value())) {
                // the tenant's dataset still shows deals of this scan: the scan goes, its deals stay until the
                // dataset moves on (DatasetApply.collectDeleted)
                return Optional.of(h.createQuery("""
                                UPDATE scans SET deleted_at = now() WHERE id = :id RETURNING processed_items""")
                        .bind("id", id.value()).mapTo(Long.class).one());
            }
            long deals = h.createUpdate("DELETE FROM deals WHERE scan_id = :id").bind("id", id.value()).execute();
            h.execute("DELETE FROM scan_associations WHERE scan_id = ?", id.value());
            int scans = h.createUpdate("DELETE FROM scans WHERE id = :id").bind("id", id.value()).execute();
            return scans == 0 ? Optional.<Long>empty() : Optional.of(deals);
        }));
    }

    @Override
    public Optional<Instant> watermark(String tenantId, String sourceKey) {
        return guarded(() -> jdbi.withHandle(h -> h.createQuery(
                        "SELECT watermark FROM watermarks WHERE tenant_id = :tenant AND source_key = :source")
                .bind("tenant", tenantId).bind("source", sourceKey)
                .map((rs, ctx) -> rs.getTimestamp(1).toInstant()).findOne()));
    }

    @Override
    public Optional<LeasedScan> claimNext(String workerId, Instant now, Duration lease) {
        while (true) {
            Optional<Claim> claim = guarded(() -> jdbi.inTransaction(h -> claimOne(h, workerId, now, lease)));
            if (claim.isEmpty()) return Optional.empty();
            Claim c = claim.get();
            if (c.tokenCiphertext == null) {
                failUnreadable(c.scan, workerId, "The scan's stored HubSpot token is missing");
                continue;
            }
            try {
                AccessToken token = new AccessToken(cipher.decrypt(c.tokenCiphertext));
                return Optional.of(new LeasedScan(c.scan, token, c.checkpoint, c.attempts));
            } catch (IllegalStateException e) {
                failUnreadable(c.scan, workerId,
                        "The scan's stored HubSpot token cannot be decrypted (was TOKEN_ENCRYPTION_KEY changed?)");
            }
        }
    }

    private record Claim(Scan scan, String tokenCiphertext, String checkpoint, int attempts) {
    }

    private Optional<Claim> claimOne(Handle h, String workerId, Instant now, Duration lease) {
        Optional<String> id = h.createQuery("""
                        SELECT id FROM scans
                        WHERE <active> AND (lease_until IS NULL OR lease_until < :now)
                        ORDER BY created_at
                        LIMIT 1
                        FOR UPDATE SKIP LOCKED""")
                .define("active", ScanRows.ACTIVE)
                .bind("now", ScanRows.ts(now)).mapTo(String.class).findOne();
        if (id.isEmpty()) return Optional.empty();
        return h.createQuery("""
                        UPDATE scans SET lease_owner = :worker, lease_until = :until, attempts = attempts + 1
                        WHERE id = :id
                        RETURNING *""")
                .bind("worker", workerId).bind("until", ScanRows.ts(now.plus(lease))).bind("id", id.get())
                .map((rs, ctx) -> new Claim(ScanRows.MAPPER.map(rs, ctx), rs.getString("token_ciphertext"),
                        rs.getString("checkpoint"), rs.getInt("attempts")))
                .findOne();
    }

    private void failUnreadable(Scan scan, String workerId, String message) {
        log.error("scan {} cannot run: {}", scan.id(), message);
        Scan failed = scan.fail(new ScanError(ScanError.INTERNAL, message,
                "Start a new scan with the HubSpot access token"), clock.instant());
        compareAndSet(scan.status(), failed, workerId);
    }

    @Override
    public boolean renewLease(ScanId id, String workerId, Instant until) {
        return guarded(() -> jdbi.withHandle(h -> h.createUpdate("""
                        UPDATE scans SET lease_until = :until
                        WHERE id = :id AND lease_owner = :worker AND <active>""")
                .define("active", ScanRows.ACTIVE).bind("until", ScanRows.ts(until)).bind("id", id.value()).bind("worker", workerId).execute() == 1));
    }

    @Override
    public void releaseLease(ScanId id, String workerId) {
        guarded(() -> jdbi.withHandle(h -> h.createUpdate(
                        "UPDATE scans SET lease_owner = NULL, lease_until = NULL WHERE id = :id AND lease_owner = :worker")
                .bind("id", id.value()).bind("worker", workerId).execute()));
    }

    @Override
    public ScanStatistics statistics(TenantScope scope) {
        return guarded(() -> jdbi.withHandle(h -> h.createQuery("""
                        SELECT count(*) AS total,
                               count(*) FILTER (WHERE <active>) AS active,
                               count(*) FILTER (WHERE status = 'completed') AS completed,
                               count(*) FILTER (WHERE status = 'failed') AS failed,
                               count(*) FILTER (WHERE status = 'cancelled') AS cancelled,
                               coalesce(sum(processed_items), 0) AS deals,
                               coalesce(avg(extract(epoch FROM finished_at - started_at))
                                        FILTER (WHERE status = 'completed'), 0) AS avg_duration,
                               max(created_at) AS last_scan
                        FROM scans
                        WHERE deleted_at IS NULL AND (:all OR tenant_id = ANY(:tenants))""")
                .define("active", ScanRows.ACTIVE).bind("all", scope.all())
                .bindArray("tenants", String.class, scope.tenants())
                .map((rs, ctx) -> new ScanStatistics(rs.getLong("total"), rs.getLong("active"),
                        rs.getLong("completed"), rs.getLong("failed"), rs.getLong("cancelled"), rs.getLong("deals"),
                        rs.getDouble("avg_duration"), ScanRows.instant(rs, "last_scan")))
                .one()));
    }

    static <T> T guarded(Supplier<T> work) {
        try {
            return work.get();
        } catch (RuntimeException e) {
            throw SqlFailures.translate(e);
        }
    }

}

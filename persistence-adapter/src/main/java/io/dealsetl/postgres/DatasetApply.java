package io.dealsetl.postgres;

import io.dealsetl.domain.scan.Scan;
import io.dealsetl.domain.scan.ScanType;
import java.util.List;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/**
 * Applies a completed scan to its tenant's dataset, inside the transaction that completes the scan: the dataset
 * changes exactly when the scan completes, once, and never half-way. The dataset row is locked first, so scans of
 * one tenant apply one after the other, in the order they complete, on any instance.
 *
 * <p>A full scan becomes the dataset's base as it is: its deal rows and result index are referenced, not copied,
 * so the apply is a few row updates whatever the scan's size. An incremental scan adds its deals to the overlay of
 * changes since the base, a row per deal it holds. See docs/decisions.md, "Tenant datasets".
 */
final class DatasetApply {
    /** The base key of an overlay without a base (a dataset that has only seen incremental scans). */
    static final String NO_BASE = "";

    private DatasetApply() {
    }

    /** Applies the completed scan; the caller's transaction commits it with the scan's completion. */
    static void apply(Handle h, Scan scan) {
        String tenant = scan.tenantId();
        h.execute("INSERT INTO datasets (tenant_id, version) VALUES (?, 0) ON CONFLICT DO NOTHING", tenant);
        long version = h.createQuery("SELECT version FROM datasets WHERE tenant_id = :tenant FOR UPDATE")
                .bind("tenant", tenant).mapTo(Long.class).one() + 1;
        // an incremental scan that found no watermark extracted everything, and so replaces the dataset too
        boolean full = scan.type() == ScanType.FULL || scan.modifiedSince() == null;
        if (full) {
            applyFull(h, scan, version);
        } else {
            applyIncremental(h, scan, version);
        }
        h.createUpdate("""
                        INSERT INTO dataset_scans (tenant_id, version, scan_id, applied_as, applied_at)
                        VALUES (:tenant, :version, :scan, :as, :at)""")
                .bind("tenant", tenant).bind("version", version).bind("scan", scan.id().value())
                .bind("as", full ? "full" : "incremental").bind("at", ScanRows.ts(scan.finishedAt())).execute();
    }

    private static void applyFull(Handle h, Scan scan, long version) {
        String tenant = scan.tenantId();
        String id = scan.id().value();
        // the previous base's overlay: readers of earlier versions still see it in their snapshots
        h.execute("DELETE FROM dataset_overlay WHERE tenant_id = ?", tenant);
        // the scan read every deal's associations itself (or was asked for none)
        h.execute("DELETE FROM dataset_associations WHERE tenant_id = ?", tenant);
        h.execute("DELETE FROM scan_associations WHERE scan_id = ?", id);
        long tombstones = 0;
        if (scan.config().includeArchived()) {
            // the scan's archived deals: in the base's positions, but shown only with include_archived
            tombstones = h.createUpdate("""
                            INSERT INTO dataset_overlay (tenant_id, base_scan_id, hubspot_id, scan_id, synced_at, archived,
                                dealstage, pipeline, closedate, amount, createdate, in_base, base_dealstage, base_pipeline,
                                base_closedate, base_amount, base_createdate)
                            SELECT :tenant, :scan, hubspot_id, :scan, :at, true, dealstage, pipeline, closedate, amount,
                                   createdate, true, dealstage, pipeline, closedate, amount, createdate
                            FROM deals WHERE scan_id = :scan AND archived""")
                    .bind("tenant", tenant).bind("scan", id).bind("at", ScanRows.ts(scan.finishedAt())).execute();
        }
        h.createUpdate("""
                        UPDATE datasets SET version = :version, base_scan_id = :scan, base_version = :version,
                               base_synced_at = :at,
                               base_deals = s.processed_items, source_key = :source, last_scan_id = :scan, synced_at = :at,
                               deal_count = s.processed_items - :tombstones, archived_count = :tombstones
                        FROM scans s WHERE s.id = :scan AND datasets.tenant_id = :tenant""")
                .bind("version", version).bind("scan", id).bind("at", ScanRows.ts(scan.finishedAt()))
                .bind("source", scan.sourceKey()).bind("tombstones", tombstones).bind("tenant", tenant).execute();
        // the dataset now follows this portal: an incremental scan with another token must start over in full,
        // or it would merge changes of another portal (or since another moment) into this one
        h.execute("DELETE FROM watermarks WHERE tenant_id = ? AND source_key <> ?", tenant, scan.sourceKey());
    }

    private static void applyIncremental(Handle h, Scan scan, long version) {
        String tenant = scan.tenantId();
        String base = h.createQuery("SELECT coalesce(base_scan_id, '') FROM datasets WHERE tenant_id = :tenant")
                .bind("tenant", tenant).mapTo(String.class).one();
        h.createUpdate("""
                        INSERT INTO dataset_overlay (tenant_id, base_scan_id, hubspot_id, scan_id, synced_at, archived,
                            dealstage, pipeline, closedate, amount, createdate, in_base, base_dealstage, base_pipeline,
                            base_closedate, base_amount, base_createdate)
                        SELECT :tenant, :base, d.hubspot_id, d.scan_id, :at, d.archived, d.dealstage, d.pipeline,
                               d.closedate, d.amount, d.createdate, b.hubspot_id IS NOT NULL, b.dealstage, b.pipeline,
                               b.closedate, b.amount, b.createdate
                        FROM deals d LEFT JOIN deals b ON b.scan_id = :base AND b.hubspot_id = d.hubspot_id
                        WHERE d.scan_id = :scan
                        ON CONFLICT (tenant_id, base_scan_id, hubspot_id) DO UPDATE SET
                            scan_id = EXCLUDED.scan_id, synced_at = EXCLUDED.synced_at, archived = EXCLUDED.archived,
                            dealstage = EXCLUDED.dealstage, pipeline = EXCLUDED.pipeline, closedate = EXCLUDED.closedate,
                            amount = EXCLUDED.amount, createdate = EXCLUDED.createdate""")
                .bind("tenant", tenant).bind("base", base).bind("scan", scan.id().value())
                .bind("at", ScanRows.ts(scan.finishedAt())).execute();
        applyAssociations(h, tenant, base, scan.id().value());
        h.createUpdate("""
                        UPDATE datasets SET version = :version, last_scan_id = :scan, synced_at = :at,
                               source_key = coalesce(source_key, :source),
                               deal_count = base_deals - o.in_base + o.current, archived_count = o.archived
                        FROM (SELECT count(*) FILTER (WHERE in_base) AS in_base,
                                     count(*) FILTER (WHERE scan_id <> :base AND NOT archived) AS current,
                                     count(*) FILTER (WHERE archived) AS archived
                              FROM dataset_overlay WHERE tenant_id = :tenant AND base_scan_id = :base) o
                        WHERE datasets.tenant_id = :tenant""")
                .bind("version", version).bind("scan", scan.id().value()).bind("at", ScanRows.ts(scan.finishedAt()))
                .bind("source", scan.sourceKey()).bind("base", base).bind("tenant", tenant).execute();
    }

    /**
     * Brings the dataset's associations up to date with the scan: a deal it extracted shows the associations read
     * with it; a deal whose associations it re-read (scan_associations) shows those, recorded only where they
     * differ from what the dataset shows now, as most associations do not change between scans.
     */
    private static void applyAssociations(Handle h, String tenant, String base, String scan) {
        h.createUpdate("""
                        DELETE FROM dataset_associations a USING deals d
                        WHERE a.tenant_id = :tenant AND a.base_scan_id = :base
                          AND d.scan_id = :scan AND d.hubspot_id = a.hubspot_id""")
                .bind("tenant", tenant).bind("base", base).bind("scan", scan).execute();
        h.createUpdate("""
                        INSERT INTO dataset_associations (tenant_id, base_scan_id, hubspot_id, associations)
                        SELECT :tenant, :base, r.hubspot_id, r.associations
                        FROM scan_associations r
                        LEFT JOIN dataset_overlay o
                               ON o.tenant_id = :tenant AND o.base_scan_id = :base AND o.hubspot_id = r.hubspot_id
                        JOIN deals d ON d.scan_id = coalesce(o.scan_id, :base) AND d.hubspot_id = r.hubspot_id
                        LEFT JOIN dataset_associations a
                               ON a.tenant_id = :tenant AND a.base_scan_id = :base AND a.hubspot_id = r.hubspot_id
                        WHERE r.scan_id = :scan AND d.scan_id <> :scan
                          AND coalesce(a.associations, d.associations)::text IS DISTINCT FROM r.associations::text
                        ON CONFLICT (tenant_id, base_scan_id, hubspot_id)
                        DO UPDATE SET associations = EXCLUDED.associations""")
                .bind("tenant", tenant).bind("base", base).bind("scan", scan).execute();
        h.execute("DELETE FROM scan_associations WHERE scan_id = ?", scan);
    }

    /**
     * True when the tenant's dataset may still show deals of the scan, which must then outlive the scan's deletion:
     * its base, or an incremental scan applied since the base (even one whose deals later scans all replaced,
     * which keeps its rows a little longer, until the next full scan).
     */
    static boolean referenced(Handle h, String tenant, String scanId) {
        // waits for an apply of the tenant in flight, which may be moving the dataset off this scan
        h.execute("SELECT 1 FROM datasets WHERE tenant_id = ? FOR SHARE", tenant);
        return h.createQuery("""
                        SELECT EXISTS (SELECT 1 FROM datasets d JOIN dataset_scans s ON s.tenant_id = d.tenant_id
                                       WHERE s.scan_id = :scan AND s.version >= d.base_version
                                         AND (s.version > d.base_version OR d.base_scan_id = s.scan_id))""")
                .bind("scan", scanId).mapTo(Boolean.class).one();
    }

    /**
     * Removes the tenant's deleted scans that its dataset no longer shows (hidden when deleted while it did). Runs
     * after the transaction that moved the dataset on; a reader still on an earlier version keeps its snapshot.
     */
    static void collectDeleted(Jdbi jdbi, String tenant) {
        List<String> deleted = jdbi.withHandle(h -> h.createQuery("""
                        SELECT id FROM scans s WHERE s.tenant_id = :tenant AND s.deleted_at IS NOT NULL""")
                .bind("tenant", tenant).mapTo(String.class).list());
        for (String id : deleted) {
            jdbi.useTransaction(h -> {
                h.execute("SELECT 1 FROM scans WHERE id = ? FOR UPDATE", id);
                if (referenced(h, tenant, id)) return;
                h.execute("DELETE FROM deals WHERE scan_id = ?", id);
                h.execute("DELETE FROM scan_associations WHERE scan_id = ?", id);
                h.execute("DELETE FROM scans WHERE id = ?", id);
            });
        }
    }
}

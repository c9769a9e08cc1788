-- Tenant datasets: per tenant, the current copy of its HubSpot deals that completed scans have built.
--
-- A completed full scan becomes the dataset's base: its own deal rows and result index, referenced, not copied,
-- so applying it is one row update. Incremental scans since that base are an overlay: one row per deal they
-- changed, created or archived, pointing at the scan row that holds its latest version. Every apply runs in the
-- transaction that completes its scan, under the dataset row's lock, so datasets change in completion order,
-- once per scan, all at once.

CREATE TABLE datasets (
    tenant_id      text PRIMARY KEY,
    version        bigint NOT NULL,                 -- one more per applied scan
    base_scan_id   text COLLATE "C",                -- the last applied full scan; null until there is one
    base_version   bigint NOT NULL DEFAULT 0,       -- the version that applied it
    base_synced_at timestamptz,
    base_deals     bigint NOT NULL DEFAULT 0,       -- rows of the base scan, tombstones included
    source_key     text,                            -- the HubSpot portal (token fingerprint) of the base
    last_scan_id   text,
    synced_at      timestamptz,
    deal_count     bigint NOT NULL DEFAULT 0,       -- deals now, tombstones not counted
    archived_count bigint NOT NULL DEFAULT 0        -- tombstones
);

-- The deals that differ from the base: changed, created or archived since it (scan_id is the scan holding the
-- latest version), and the base's own archived deals (scan_id = base_scan_id), which only include_archived
-- shows. The sort and filter columns, now and in the base, place each deal in the base's positional order
-- without reading its row. base_scan_id is '' for a dataset that has no base yet.
CREATE TABLE dataset_overlay (
    tenant_id       text NOT NULL,
    base_scan_id    text COLLATE "C" NOT NULL,
    hubspot_id      text COLLATE "C" NOT NULL,
    scan_id         text COLLATE "C" NOT NULL,
    synced_at       timestamptz NOT NULL,
    archived        boolean NOT NULL,
    dealstage       text,
    pipeline        text,
    closedate       timestamptz,
    amount          numeric,
    createdate      timestamptz,
    in_base         boolean NOT NULL,
    base_dealstage  text,
    base_pipeline   text,
    base_closedate  timestamptz,
    base_amount     numeric,
    base_createdate timestamptz,
    PRIMARY KEY (tenant_id, base_scan_id, hubspot_id)
);

-- Every applied scan, in order: when each scan's deals entered the dataset (their synced_at).
CREATE TABLE dataset_scans (
    tenant_id  text NOT NULL,
    version    bigint NOT NULL,
    scan_id    text COLLATE "C" NOT NULL,
    applied_as text NOT NULL,                       -- 'full' or 'incremental'
    applied_at timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, version)
);

-- Whether a dataset may still show a scan's deals: its base, or an incremental scan applied since the base (a
-- deleted scan keeps its deals until it is neither). Kept here rather than as an index of the overlay's scan ids,
-- which every incremental apply would pay for.
CREATE INDEX dataset_scans_by_scan ON dataset_scans (scan_id);

-- A deleted scan whose deals a dataset still shows is hidden rather than removed, and removed once no dataset
-- shows them any more.
ALTER TABLE scans ADD COLUMN deleted_at timestamptz;

-- GET /api/v1/scans?tenant_id=...: newest first within a tenant
CREATE INDEX scans_by_tenant_created ON scans (tenant_id, created_at DESC);

-- A result index chunk (1,000 ids) is stored uncompressed: compressing the 12,000 chunks of a million-deal scan was
-- most of the time its index took to write (27 s to 16 s to build, measured), and a page reads a chunk whole either
-- way. A dataset's first page after a full scan waits for this index.
ALTER TABLE result_chunks ALTER COLUMN ids SET STORAGE EXTERNAL;

CREATE TABLE scans (
    id                  text PRIMARY KEY,
    job_id              uuid NOT NULL,
    tenant_id           text NOT NULL,
    scan_type           text NOT NULL,
    status              text NOT NULL,
    properties          text[] NOT NULL,
    include_archived    boolean NOT NULL,
    pipeline            text,
    batch_size          integer NOT NULL,
    total_items         bigint NOT NULL DEFAULT 0,
    processed_items     bigint NOT NULL DEFAULT 0,
    failed_items        bigint NOT NULL DEFAULT 0,
    source_requests     bigint NOT NULL DEFAULT 0,
    source_rate_limited bigint NOT NULL DEFAULT 0,
    source_wait_millis  bigint NOT NULL DEFAULT 0,
    source_key          text NOT NULL,
    modified_since      timestamptz,
    window_end          timestamptz,
    created_at          timestamptz NOT NULL,
    started_at          timestamptz,
    finished_at         timestamptz,
    error_code          text,
    error_message       text,
    error_details       text,
    cancel_reason       text,
    checkpoint          text,
    token_ciphertext    text,
    lease_owner         text,
    lease_until         timestamptz,
    attempts            integer NOT NULL DEFAULT 0
);

-- one pending or running scan per tenant, enforced where concurrent starts meet
CREATE UNIQUE INDEX scans_one_active_per_tenant ON scans (tenant_id) WHERE status IN ('pending', 'running');
CREATE INDEX scans_claimable ON scans (created_at) WHERE status IN ('pending', 'running');
CREATE INDEX scans_created ON scans (created_at DESC);

CREATE TABLE deals (
    scan_id             text NOT NULL REFERENCES scans (id) ON DELETE CASCADE,
    hubspot_id          text NOT NULL,
    dealname            text,
    amount              numeric,
    dealstage           text,
    pipeline            text,
    closedate           timestamptz,
    createdate          timestamptz,
    hs_lastmodifieddate timestamptz,
    hubspot_owner_id    text,
    dealtype            text,
    archived            boolean NOT NULL,
    archived_at         timestamptz,
    pipeline_label      text,
    stage_label         text,
    properties          jsonb NOT NULL,
    extracted_at        timestamptz NOT NULL,
    PRIMARY KEY (scan_id, hubspot_id)
);

-- each results sort, with the id as tie-break so pages never overlap
CREATE INDEX deals_by_closedate ON deals (scan_id, closedate, hubspot_id);
CREATE INDEX deals_by_amount ON deals (scan_id, amount, hubspot_id);
CREATE INDEX deals_by_createdate ON deals (scan_id, createdate, hubspot_id);
CREATE INDEX deals_by_stage ON deals (scan_id, dealstage, closedate, hubspot_id);
CREATE INDEX deals_by_pipeline ON deals (scan_id, pipeline, closedate, hubspot_id);

CREATE TABLE watermarks (
    tenant_id  text NOT NULL,
    source_key text NOT NULL,
    watermark  timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, source_key)
);

CREATE TABLE api_keys (
    id          text PRIMARY KEY,
    name        text NOT NULL,
    key_hash    text NOT NULL UNIQUE,
    permissions text[] NOT NULL,
    all_tenants boolean NOT NULL,
    tenants     text[] NOT NULL,
    created_at  timestamptz NOT NULL
);

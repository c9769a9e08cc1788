-- Results are read from a positional index built once per completed scan (see ResultIndex), so the
-- per-sort indexes only slowed ingest down.
DROP INDEX deals_by_closedate;
DROP INDEX deals_by_amount;
DROP INDEX deals_by_createdate;
DROP INDEX deals_by_stage;
DROP INDEX deals_by_pipeline;

-- Counts and amount statistics per filter: 'all', 'stage', 'pipeline' or 'stage_pipeline', with '' for a
-- value the filter does not name. The *_valued counts say how many deals have that sort column set.
CREATE TABLE result_groups (
    scan_id           text NOT NULL REFERENCES scans (id) ON DELETE CASCADE,
    filter            text NOT NULL,
    stage             text NOT NULL,
    pipeline          text NOT NULL,
    deals             bigint NOT NULL,
    closedate_valued  bigint NOT NULL,
    amount_valued     bigint NOT NULL,
    createdate_valued bigint NOT NULL,
    amount_total      numeric,
    amount_average    numeric,
    amount_low        numeric,
    amount_high       numeric,
    PRIMARY KEY (scan_id, filter, stage, pipeline)
);

-- The deals of each filter group in ascending sort order, CHUNK ids per row: position p is ids[p % CHUNK + 1]
-- of chunk p / CHUNK.
CREATE TABLE result_chunks (
    scan_id  text NOT NULL REFERENCES scans (id) ON DELETE CASCADE,
    sort_by  text NOT NULL,
    filter   text NOT NULL,
    stage    text NOT NULL,
    pipeline text NOT NULL,
    chunk    integer NOT NULL,
    ids      text[] NOT NULL,
    PRIMARY KEY (scan_id, sort_by, filter, stage, pipeline, chunk)
);

CREATE TABLE result_indexes (
    scan_id  text PRIMARY KEY REFERENCES scans (id) ON DELETE CASCADE,
    built_at timestamptz NOT NULL
);

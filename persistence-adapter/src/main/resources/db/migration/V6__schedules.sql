-- Who asked for a scan: 'api' (POST /api/v1/scans/start) or 'schedule' (a tenant's schedule came due).
ALTER TABLE scans ADD COLUMN triggered_by text NOT NULL DEFAULT 'api';

-- One schedule per tenant: what to run, how often, and what its runs did. Times the schedule computes itself
-- (next_run_at, anchor_at) are the truth; db-scheduler's row below only wakes an instance when one is due.
CREATE TABLE schedules (
    tenant_id            text PRIMARY KEY,
    interval_minutes     integer,
    cron                 text,
    timezone             text,
    scan_type            text NOT NULL,
    full_every_days      integer NOT NULL DEFAULT 0,
    properties           text[] NOT NULL,
    include_archived     boolean NOT NULL,
    pipeline             text,
    batch_size           integer NOT NULL,
    -- AES-256-GCM, as scans' tokens; kept while the schedule exists and deleted with its row
    token_ciphertext     text NOT NULL,
    paused               boolean NOT NULL,
    paused_reason        text,
    anchor_at            timestamptz NOT NULL,
    next_run_at          timestamptz NOT NULL,
    last_run_at          timestamptz,
    last_scan_id         text,
    last_status          text,
    -- the scan this schedule started whose outcome (failure count, pause) is not yet counted
    awaiting_scan_id     text,
    consecutive_failures integer NOT NULL DEFAULT 0,
    last_full_at         timestamptz,
    created_at           timestamptz NOT NULL,
    updated_at           timestamptz NOT NULL,
    version              bigint NOT NULL,
    CONSTRAINT schedules_one_cadence CHECK ((interval_minutes IS NULL) <> (cron IS NULL))
);

-- db-scheduler 16.7.1's table, as its documentation gives it for PostgreSQL.
CREATE TABLE scheduled_tasks (
    task_name            text NOT NULL,
    task_instance        text NOT NULL,
    task_data            bytea,
    execution_time       timestamptz NOT NULL,
    picked               boolean NOT NULL,
    picked_by            text,
    last_success         timestamptz,
    last_failure         timestamptz,
    consecutive_failures integer,
    last_heartbeat       timestamptz,
    version              bigint NOT NULL,
    priority             smallint,
    PRIMARY KEY (task_name, task_instance)
);

CREATE INDEX execution_time_idx ON scheduled_tasks (execution_time);
CREATE INDEX last_heartbeat_idx ON scheduled_tasks (last_heartbeat);
CREATE INDEX priority_execution_time_idx ON scheduled_tasks (priority DESC, execution_time ASC);

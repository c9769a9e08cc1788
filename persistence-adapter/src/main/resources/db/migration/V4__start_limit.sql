-- Scan starts per API key in the last minute, counted here so the limit holds across instances.
-- Rows older than the window are deleted by the next start of the same key.
CREATE TABLE scan_starts (
    id          bigint GENERATED ALWAYS AS IDENTITY,
    api_key_id  text NOT NULL,
    started_at  timestamptz NOT NULL,
    PRIMARY KEY (api_key_id, id)
);

-- What the HubSpot source has to say about a scan as it stands (paused at the portal's daily reserve, reading
-- through the list endpoint only because search failed): shown in the scan's status.
-- Repeatable (idempotent) only because this branch had no migration version to use: renumber as V<n> on merge.
ALTER TABLE scans ADD COLUMN IF NOT EXISTS source_notice text;

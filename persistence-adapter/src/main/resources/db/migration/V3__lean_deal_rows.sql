-- Ingest speed: each of these cost PostgreSQL work on every stored deal.

-- The foreign key checked every deal row against scans one by one, a third of the insert cost. Deals are
-- written only under their scan's row lock while it runs, and deleted with it in one transaction that
-- locks the scan first (PostgresScanRepository.delete), so no deal outlives its scan without it.
ALTER TABLE deals DROP CONSTRAINT deals_scan_id_fkey;

-- Properties are stored and handed back whole, never queried inside: json keeps the text as written and
-- skips jsonb's parse and rebuild of every row.
ALTER TABLE deals ALTER COLUMN properties TYPE json;

-- Associations (issue 18): a deal's companies, contacts and line items, of the kinds its scan asked for.

-- What a scan or schedule asks for: the kinds read (AssociationKind api names) and whether an incremental scan
-- re-reads the associations of every dataset deal ('every_scan') or not ('never').
ALTER TABLE scans ADD COLUMN associations text[] NOT NULL DEFAULT '{}',
                  ADD COLUMN association_refresh text NOT NULL DEFAULT 'every_scan';
ALTER TABLE schedules ADD COLUMN associations text[] NOT NULL DEFAULT '{}',
                      ADD COLUMN association_refresh text NOT NULL DEFAULT 'every_scan';

-- Each deal's associations as read with it, in the API's shape ({"companies": [{"id", "primary", "labels"}], ...});
-- null when its scan asked for none. Nullable without a default: adding it rewrites nothing, and a scan without
-- associations writes one \N per row on its COPY path.
ALTER TABLE deals ADD COLUMN associations json;

-- The associations an incremental scan re-read for dataset deals it did not extract (HubSpot does not date
-- association changes), stored with each batch's checkpoint and upserted by id, so a batch stored again after a
-- resume adds nothing. Applied to the dataset when the scan completes, then deleted; deleted too when it ends
-- otherwise.
CREATE TABLE scan_associations (
    scan_id      text COLLATE "C" NOT NULL,
    hubspot_id   text COLLATE "C" NOT NULL,
    associations json NOT NULL,
    PRIMARY KEY (scan_id, hubspot_id)
);

-- A dataset deal whose associations changed since the row it shows was read: they replace that row's. Only the
-- differences are kept, and an incremental scan that extracts the deal again drops its row here (the new deal row
-- carries fresh associations); a full scan replaces them all, like the overlay.
CREATE TABLE dataset_associations (
    tenant_id    text NOT NULL,
    base_scan_id text COLLATE "C" NOT NULL,
    hubspot_id   text COLLATE "C" NOT NULL,
    associations json NOT NULL,
    PRIMARY KEY (tenant_id, base_scan_id, hubspot_id)
);

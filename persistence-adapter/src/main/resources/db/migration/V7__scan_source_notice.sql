-- What the HubSpot source has to say about a scan as it stands (paused at the portal's daily reserve, reading
-- through the list endpoint only because search failed): shown in the scan's status.
ALTER TABLE scans ADD COLUMN source_notice text;

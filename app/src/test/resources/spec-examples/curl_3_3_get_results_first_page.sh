# Verbatim from shared/spec/hubspot-deals-etl-api.md, "3. Get Results (First Page)"
curl "http://localhost:5200/api/v1/scans/scan_20250127_103000_abc123/results?page=1&limit=50" \
  -H "Authorization: Bearer your-api-key"

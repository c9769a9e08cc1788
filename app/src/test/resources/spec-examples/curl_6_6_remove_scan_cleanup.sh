# Verbatim from shared/spec/hubspot-deals-etl-api.md, "6. Remove Scan (cleanup)"
curl -X DELETE "http://localhost:5200/api/v1/scans/scan_20250127_103000_abc123" \
  -H "Authorization: Bearer your-api-key"

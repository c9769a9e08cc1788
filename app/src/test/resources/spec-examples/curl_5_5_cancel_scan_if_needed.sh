# Verbatim from shared/spec/hubspot-deals-etl-api.md, "5. Cancel Scan (if needed)"
curl -X POST "http://localhost:5200/api/v1/scans/scan_20250127_103000_abc123/cancel" \
  -H "Authorization: Bearer your-api-key" \
  -H "Content-Type: application/json" \
  -d '{"reason": "User requested cancellation"}'

# Verbatim from shared/spec/hubspot-deals-etl-api.md, "4. Get Filtered Results"
# Get only closed won deals
curl "http://localhost:5200/api/v1/scans/scan_20250127_103000_abc123/results?filter_stage=closedwon&sort_by=amount&sort_order=desc" \
  -H "Authorization: Bearer your-api-key"

# Verbatim from shared/spec/hubspot-deals-etl-api.md, "2. Monitor Progress"
# Poll every 5 seconds
while true; do
  curl "http://localhost:5200/api/v1/scans/scan_20250127_103000_abc123" \
    -H "Authorization: Bearer your-api-key"
  sleep 5
done

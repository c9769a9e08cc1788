# Verbatim from shared/spec/hubspot-deals-etl-api.md, "1. Start Full Extraction"
curl -X POST "http://localhost:5200/api/v1/scans/start" \
  -H "Authorization: Bearer your-api-key" \
  -H "Content-Type: application/json" \
  -d '{
    "tenant_id": "acme_corp_prod",
    "scan_type": "full",
    "config": {
      "hubspot_access_token": "pat-na1-xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx",
      "properties": ["dealname", "amount", "dealstage", "closedate", "pipeline"],
      "batch_size": 100
    }
  }'

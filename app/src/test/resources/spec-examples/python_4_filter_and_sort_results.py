# Verbatim from shared/spec/hubspot-deals-etl-api.md, "Filter and Sort Results"
import requests

url = "http://localhost:5200/api/v1/scans/scan_20250127_103000_abc123/results"
headers = {"Authorization": "Bearer your-api-key"}
params = {
    "filter_stage": "closedwon",
    "sort_by": "amount",
    "sort_order": "desc",
    "limit": 50
}

response = requests.get(url, params=params, headers=headers)
deals = response.json()["results"]

for deal in deals:
    print(f"{deal['dealname']}: ${deal['amount']}")

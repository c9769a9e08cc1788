# Verbatim from shared/spec/hubspot-deals-etl-api.md, "Start Extraction"
import requests

url = "http://localhost:5200/api/v1/scans/start"
headers = {
    "Authorization": "Bearer your-api-key",
    "Content-Type": "application/json"
}
payload = {
    "tenant_id": "acme_corp_prod",
    "scan_type": "full",
    "config": {
        "hubspot_access_token": "pat-na1-xxxxxxxx",
        "properties": ["dealname", "amount", "dealstage"],
        "batch_size": 100
    }
}

response = requests.post(url, json=payload, headers=headers)
print(response.json())
scan_id = response.json()["scan_id"]

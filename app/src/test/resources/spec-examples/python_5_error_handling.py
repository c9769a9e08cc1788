# Verbatim from shared/spec/hubspot-deals-etl-api.md, "Error Handling"
import requests
from requests.exceptions import RequestException

def start_scan_with_error_handling(tenant_id, token, api_key):
    url = "http://localhost:5200/api/v1/scans/start"
    headers = {
        "Authorization": f"Bearer {api_key}",
        "Content-Type": "application/json"
    }
    payload = {
        "tenant_id": tenant_id,
        "scan_type": "full",
        "config": {
            "hubspot_access_token": token,
            "batch_size": 100
        }
    }
    
    try:
        response = requests.post(url, json=payload, headers=headers, timeout=30)
        response.raise_for_status()
        return response.json()
    
    except requests.exceptions.HTTPError as e:
        if e.response.status_code == 400:
            print(f"Validation error: {e.response.json()}")
        elif e.response.status_code == 401:
            print("Authentication failed - check API key")
        elif e.response.status_code == 409:
            print("Scan already in progress")
        else:
            print(f"HTTP error: {e}")
    
    except RequestException as e:
        print(f"Request failed: {e}")
    
    return None

result = start_scan_with_error_handling("acme_corp_prod", "pat-na1-xxxxx", "your-api-key")

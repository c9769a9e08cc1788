# Verbatim from shared/spec/hubspot-deals-etl-api.md, "Get Paginated Results"
import requests

def get_all_deals(scan_id, api_key):
    base_url = f"http://localhost:5200/api/v1/scans/{scan_id}/results"
    headers = {"Authorization": f"Bearer {api_key}"}
    
    all_deals = []
    page = 1
    
    while True:
        response = requests.get(
            base_url,
            params={"page": page, "limit": 100},
            headers=headers
        )
        
        if response.status_code != 200:
            print(f"Error: {response.status_code}")
            break
        
        data = response.json()
        all_deals.extend(data["results"])
        
        if not data["pagination"]["has_next"]:
            break
        
        page += 1
    
    return all_deals

deals = get_all_deals("scan_20250127_103000_abc123", "your-api-key")
print(f"Total deals: {len(deals)}")

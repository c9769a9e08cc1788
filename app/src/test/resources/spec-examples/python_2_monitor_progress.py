# Verbatim from shared/spec/hubspot-deals-etl-api.md, "Monitor Progress"
import requests
import time

def monitor_scan(scan_id, api_key):
    url = f"http://localhost:5200/api/v1/scans/{scan_id}"
    headers = {"Authorization": f"Bearer {api_key}"}
    
    while True:
        response = requests.get(url, headers=headers)
        data = response.json()
        
        status = data["status"]
        progress = data.get("progress", {})
        
        print(f"Status: {status} - Progress: {progress.get('percentage', 0)}%")
        
        if status in ["completed", "failed", "cancelled"]:
            break
        
        time.sleep(5)
    
    return data

result = monitor_scan("scan_20250127_103000_abc123", "your-api-key")

#!/usr/bin/python3
"""A FHIR Bulk Data Access client written against the IG, not against fhirflow: kick-off, polling
with Retry-After, manifest, file download with the bearer token, delete. Uses only Debian's
python3-requests.

Usage: bulk_export_client.py <fhir base url> <bearer token> <output dir> [kick-off path, default $export]
Prints one JSON object: transactionTime and, per file, type, count from the manifest, lines downloaded.
"""
import json
import os
import sys
import time

import requests


def main():
    base, token, out_dir = sys.argv[1], sys.argv[2], sys.argv[3]
    path = sys.argv[4] if len(sys.argv) > 4 else "$export"
    auth = {"Authorization": "Bearer " + token}
    session = requests.Session()

    kick = session.get(base.rstrip("/") + "/" + path,
                       headers={**auth, "Accept": "application/fhir+json", "Prefer": "respond-async"})
    if kick.status_code != 202:
        sys.exit("kick-off answered %d: %s" % (kick.status_code, kick.text))
    status_url = kick.headers["Content-Location"]

    deadline = time.time() + 120
    while True:
        status = session.get(status_url, headers=auth)
        if status.status_code == 200:
            break
        if status.status_code != 202:
            sys.exit("status answered %d: %s" % (status.status_code, status.text))
        if time.time() > deadline:
            sys.exit("export did not finish in time")
        print("progress: " + status.headers.get("X-Progress", "?"), file=sys.stderr)
        time.sleep(min(float(status.headers.get("Retry-After", "1")), 1.0))

    manifest = status.json()
    headers = auth if manifest.get("requiresAccessToken") else {}
    files = []
    for i, output in enumerate(manifest["output"]):
        target = os.path.join(out_dir, "%d-%s.ndjson" % (i, output["type"]))
        with session.get(output["url"], headers={**headers, "Accept": "application/fhir+ndjson"}, stream=True) as r:
            r.raise_for_status()
            with open(target, "wb") as f:
                for chunk in r.iter_content(chunk_size=65536):
                    f.write(chunk)
        with open(target, "rb") as f:
            lines = sum(1 for _ in f)
        files.append({"type": output["type"], "count": output.get("count"), "lines": lines, "path": target})

    deleted = session.delete(status_url, headers=auth)
    print(json.dumps({"transactionTime": manifest["transactionTime"], "files": files,
                      "deleteStatus": deleted.status_code}))


if __name__ == "__main__":
    main()

#!/usr/bin/env bash
# Regenerates the vendored KEDA schemas (keda-<version>/<Kind>.json) the k8s test checks the
# autoscaling manifests against: each kind's v1alpha1 openAPIV3Schema from the CRDs KEDA publishes
# in its repository (config/crd/bases). Needs a KEDA checkout (or network access to GitHub) and
# Debian's python3-yaml.
#   k8s/schemas/regenerate-keda.sh [keda-version] [path to a kedacore/keda git checkout]
set -euo pipefail
VERSION=${1:-2.20.2}
CHECKOUT=${2:-}
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
OUT="$HERE/keda-$VERSION"
mkdir -p "$OUT"
for crd in scaledobjects triggerauthentications; do
  file="config/crd/bases/keda.sh_$crd.yaml"
  if [ -n "$CHECKOUT" ]; then
    git -C "$CHECKOUT" show "v$VERSION:$file"
  else
    curl -fsSL "https://raw.githubusercontent.com/kedacore/keda/v$VERSION/$file"
  fi | /usr/bin/python3 -c '
import json, sys, yaml
crd = yaml.safe_load(sys.stdin)
v = [v for v in crd["spec"]["versions"] if v["name"] == "v1alpha1"][0]
out = sys.argv[1] + "/" + crd["spec"]["names"]["kind"] + ".json"
json.dump(v["schema"]["openAPIV3Schema"], open(out, "w"), indent=1, sort_keys=True)
print(out)' "$OUT"
done

#!/usr/bin/env bash
# Regenerates the vendored Strimzi schemas (strimzi-<version>/<Kind>.json) offline-checkable by
# the k8s test. Source: Strimzi's own artifacts on Maven Central — io.strimzi:api (the CRD model
# classes) and io.strimzi:crd-generator (the tool Strimzi builds its published CRDs with). The
# generated CRDs are what Strimzi ships; we keep each kind's v1 openAPIV3Schema.
#   k8s/schemas/regenerate-strimzi.sh [strimzi-version]     (needs Java 21+, Maven, python3)
set -euo pipefail
VERSION=${1:-1.2.0}
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
JAVA=${JAVA_21:-}
if [ -z "$JAVA" ]; then
  for j in /usr/lib/jvm/temurin-25-jdk-amd64/bin/java /usr/lib/jvm/*21*/bin/java; do [ -x "$j" ] && JAVA=$j && break; done
fi
[ -n "$JAVA" ] || { echo "crd-generator $VERSION needs Java 21+; set JAVA_21=/path/to/java" >&2; exit 1; }

cat > "$WORK/pom.xml" <<POM
<project xmlns="http://maven.apache.org/POM/4.0.0"><modelVersion>4.0.0</modelVersion>
  <groupId>local</groupId><artifactId>strimzi-schemas</artifactId><version>1</version>
  <dependencies>
    <dependency><groupId>io.strimzi</groupId><artifactId>crd-generator</artifactId><version>$VERSION</version></dependency>
    <dependency><groupId>io.strimzi</groupId><artifactId>api</artifactId><version>$VERSION</version></dependency>
  </dependencies>
</project>
POM
mvn -q -s "$ROOT/.mvn/settings.xml" -f "$WORK/pom.xml" dependency:build-classpath -Dmdep.outputFile="$WORK/cp.txt"
"$JAVA" -cp "$(cat "$WORK/cp.txt")" io.strimzi.crdgenerator.CrdGenerator \
  --crd-api-version v1 --api-versions v1 --storage-version v1 --target-kube 1.25+ \
  io.strimzi.api.kafka.model.topic.KafkaTopic="$WORK/out/KafkaTopic.json" \
  io.strimzi.api.kafka.model.user.KafkaUser="$WORK/out/KafkaUser.json" \
  io.strimzi.api.kafka.model.connect.KafkaConnect="$WORK/out/KafkaConnect.json" \
  io.strimzi.api.kafka.model.connector.KafkaConnector="$WORK/out/KafkaConnector.json"
mkdir -p "$HERE/strimzi-$VERSION"
/usr/bin/python3 - "$WORK/out" "$HERE/strimzi-$VERSION" <<'PY'
import json, os, sys
src, dst = sys.argv[1], sys.argv[2]
for f in sorted(os.listdir(src)):
    crd = json.load(open(os.path.join(src, f)))
    v1 = [v for v in crd["spec"]["versions"] if v["name"] == "v1"][0]
    json.dump(v1["schema"]["openAPIV3Schema"], open(os.path.join(dst, f), "w"), indent=1, sort_keys=True)
    print(os.path.join(dst, f))
PY

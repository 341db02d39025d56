#!/usr/bin/env bash
# Analytics benchmark: FHIR Bulk Data $export of 1M Observations and the heart-rate ViewDefinition run
# over the same 1M, each beside a bare PostgreSQL COPY ... TO STDOUT of the same rows, interleaved in
# rounds (export, COPY, view run, COPY of the view's columns, COPY of the view materialized in PostgreSQL
# by fhirflow view materialize) so a busy neighbour slows both sides of a
# ratio alike. The API runs with its heap bounded at -Xmx256m (API_BENCH_HEAP to change); the audit
# broker runs in its own JVM. Data: bench/api's data set (1,000 patients x 1,000 Observations: 600 heart
# rates, 200 step periods, 200 SpO2) generated in its own schema (API_BENCH_SCHEMA, default
# fhirflow_analyticsbench), dropped at the end unless ANALYTICS_BENCH_KEEP_DATA=true.
# Usage (from the repository root): bench/analytics/run.sh [rounds, default 3]
# (FHIRFLOW_API_AUDIT_FAILURE_MODE=open keeps the API answering if the audit broker fails; say so beside figures.)
# Needs: PostgreSQL at 127.0.0.1:5432 (db test, user postgres), psql, curl.
set -euo pipefail
cd "$(dirname "$0")/../.."
# shellcheck source=../api/await.sh
source bench/api/await.sh
ROUNDS=${1:-3}
export API_BENCH_SCHEMA=${API_BENCH_SCHEMA:-fhirflow_analyticsbench}
SCHEMA=$API_BENCH_SCHEMA
PORT=${API_BENCH_PORT:-18081}
HEAP=${API_BENCH_HEAP:-256m}
WORK=.work/analytics-bench
PG="psql -h 127.0.0.1 -U postgres -d test -v ON_ERROR_STOP=1"
rm -rf "$WORK"
mkdir -p "$WORK/bulk"

mvn -q -pl bench -am -DskipTests package dependency:build-classpath -Dmdep.outputFile=target/bench.cp >/dev/null
CP="bench/target/classes:$(cat bench/target/bench.cp)"
echo "load at start: $(uptime)"
java -cp "$CP" io.fhirflow.bench.api.ApiBenchData
drop_data() {
  [ "${ANALYTICS_BENCH_KEEP_DATA:-false}" = true ] || $PG -qc "DROP SCHEMA IF EXISTS $SCHEMA CASCADE"
}

# The broker's log directory under $WORK, not /tmp: on a shared machine a /tmp sweep took it away mid-run.
mkdir -p "$WORK/tmp"
java -Xmx512m -Djava.io.tmpdir="$WORK/tmp" -cp "$CP" io.fhirflow.bench.api.AuditBrokerServer "$WORK/audit-bootstrap" >"$WORK/broker.log" 2>&1 &
BROKER=$!
trap 'kill $BROKER 2>/dev/null || true; wait $BROKER 2>/dev/null || true; drop_data' EXIT
await_file "$WORK/audit-bootstrap"
FHIRFLOW_API_BULK_DIR="$WORK/bulk" java -Xmx"$HEAP" -Xlog:gc:file="$WORK/gc.log" -cp "$CP" io.fhirflow.bench.api.ApiBenchServer "$PORT" "$WORK" \
  jdbc:postgresql://127.0.0.1:5432/test?user=postgres true "$(cat "$WORK/audit-bootstrap")" >"$WORK/server.log" 2>&1 &
SERVER=$!
trap 'kill $SERVER $BROKER 2>/dev/null || true; wait $SERVER $BROKER 2>/dev/null || true; drop_data' EXIT
await_url "http://127.0.0.1:$PORT/health/ready"
TOKEN=$(cat "$WORK/token")
BASE="http://127.0.0.1:$PORT/fhir"
now() { date +%s.%N; }
rate() { awk -v n="$1" -v t="$2" 'BEGIN {printf "%.0f", n / t}'; }
mbps() { awk -v b="$1" -v t="$2" 'BEGIN {printf "%.1f", b / 1048576 / t}'; }

export_once() {
  local t0 status code
  t0=$(now)
  status=$(curl -fsS -D - -o /dev/null -H "Authorization: Bearer $TOKEN" -H 'Prefer: respond-async' -H 'Accept: application/fhir+json' \
    "$BASE/\$export?_type=Observation" | tr -d '\r' | awk -F': ' 'tolower($1) == "content-location" {print $2}')
  while :; do
    code=$(curl -sS -o "$WORK/manifest.json" -w '%{http_code}' -H "Authorization: Bearer $TOKEN" "$status")
    [ "$code" = 200 ] && break
    [ "$code" = 202 ] || { echo "status $code"; cat "$WORK/manifest.json"; exit 1; }
    sleep 0.2
  done
  EXPORT_SECONDS=$(awk -v a="$t0" -v b="$(now)" 'BEGIN {print b - a}')
  EXPORT_COUNT=$(sed -n 's/.*"count":\([0-9]*\).*/\1/p' "$WORK/manifest.json")
  EXPORT_FILE=$(ls "$WORK"/bulk/*/Observation.ndjson)
  EXPORT_BYTES=$(stat -c %s "$EXPORT_FILE")
  curl -fsS -o /dev/null -X DELETE -H "Authorization: Bearer $TOKEN" "$status"
}

seconds_since() { awk -v a="$1" -v b="$(now)" 'BEGIN {print b - a}'; }

copy_resources() {
  local t0 s n b
  t0=$(now)
  $PG -Atc "COPY (SELECT resource::text FROM $SCHEMA.fhir_observation) TO STDOUT" >"$WORK/copy.ndjson"
  s=$(seconds_since "$t0"); n=$(wc -l <"$WORK/copy.ndjson"); b=$(stat -c %s "$WORK/copy.ndjson")
  echo "  COPY resource::text TO STDOUT:  $n rows, $b bytes in ${s}s: $(rate "$n" "$s") rows/s, $(mbps "$b" "$s") MB/s"
  rm -f "$WORK/copy.ndjson"
}

view_run() {
  local t0 s n
  t0=$(now)
  curl -fsS -o "$WORK/view.csv" -H "Authorization: Bearer $TOKEN" "$BASE/ViewDefinition/heart-rate/\$run?_format=csv"
  s=$(seconds_since "$t0"); n=$(($(wc -l <"$WORK/view.csv") - 1))
  echo "  heart-rate \$run csv:           $n rows from 1000000 resources in ${s}s: $(rate 1000000 "$s") resources/s, $(rate "$n" "$s") rows/s"
}

copy_view_columns() {
  local t0 s n
  t0=$(now)
  $PG -Atc "COPY (SELECT id, patient_id, substr(resource #>> '{device,reference}', 8) AS device_id,
      coalesce(resource ->> 'effectiveDateTime', resource #>> '{effectivePeriod,start}') AS effective,
      resource #>> '{valueQuantity,value}' AS bpm, resource #>> '{valueQuantity,code}' AS unit
    FROM $SCHEMA.fhir_observation WHERE codes @> ARRAY['http://loinc.org|8867-4']) TO STDOUT WITH (FORMAT csv, HEADER)" >"$WORK/copy.csv"
  s=$(seconds_since "$t0"); n=$(($(wc -l <"$WORK/copy.csv") - 1))
  echo "  COPY of the view's columns:     $n rows in ${s}s: $(rate "$n" "$s") rows/s"
}

copy_materialized_view() {
  local t0 s n
  t0=$(now)
  $PG -Atc "COPY (SELECT * FROM $SCHEMA.heart_rate) TO STDOUT WITH (FORMAT csv, HEADER)" >"$WORK/copy.csv"
  s=$(seconds_since "$t0"); n=$(($(wc -l <"$WORK/copy.csv") - 1))
  echo "  COPY of the materialized view:  $n rows in ${s}s: $(rate "$n" "$s") rows/s (fhirflow view materialize --view heart-rate)"
}

# The heart-rate view as a PostgreSQL view over the same table (what fhirflow view materialize makes).
java -cp "$CP" io.fhirflow.cli.Main view materialize --view heart-rate --replace --schema "$SCHEMA" --source-schema "$SCHEMA" \
  --jdbc "jdbc:postgresql://127.0.0.1:5432/test?user=postgres"

echo "== warm-up (JIT, pool, page cache): one export, one view run"
export_once
view_run >/dev/null
echo "== $ROUNDS interleaved rounds: \$export?_type=Observation (kick-off to manifest, file written by the API, heap -Xmx$HEAP)"
echo "   beside a bare COPY of the same rows; the heart-rate view's \$run beside a COPY of the same columns"
for run in $(seq 1 "$ROUNDS"); do
  echo "round $run (load $(cut -d' ' -f1-3 /proc/loadavg))"
  export_once
  echo "  \$export Observation:           $EXPORT_COUNT resources, $EXPORT_BYTES bytes in ${EXPORT_SECONDS}s: $(rate "$EXPORT_COUNT" "$EXPORT_SECONDS") resources/s, $(mbps "$EXPORT_BYTES" "$EXPORT_SECONDS") MB/s"
  copy_resources
  view_run
  copy_view_columns
  copy_materialized_view
done
head -3 "$WORK/view.csv"
echo "== API process: peak RSS $(awk '/VmHWM/ {print $2, $3}' /proc/$SERVER/status); GC: $(grep -c 'Pause' "$WORK/gc.log") pauses, heap after GC max $(grep -o '[0-9]*M->[0-9]*M([0-9]*M)' "$WORK/gc.log" | sed 's/.*->\([0-9]*\)M.*/\1/' | sort -n | tail -1) MiB"
echo "load at end: $(uptime) on $(nproc) cores (shared machine: figures are noisy, compare within a round)"

#!/usr/bin/env bash
# FHIR API benchmark: 1M Observations for 1,000 patients; "one patient's heart rate for the last
# 24 h, newest first, 100 per page" through the API (wrk) and as bare SQL over pgjdbc (the ceiling).
# Usage (from the repository root): bench/api/run.sh [seconds=30] [connections=16]
# Needs: PostgreSQL at 127.0.0.1:5432 (db test, user postgres), wrk (apt-get install wrk).
set -euo pipefail
cd "$(dirname "$0")/../.."
# shellcheck source=await.sh
source bench/api/await.sh
SECONDS_RUN=${1:-30}
CONNECTIONS=${2:-16}
PORT=${API_BENCH_PORT:-18080}
RAW=${API_BENCH_RAW:-true}
# Extra JVM flags for the API JVM, e.g. API_BENCH_JVM="-XX:StartFlightRecording=duration=60s,filename=/tmp/api.jfr"
JVM_OPTS=${API_BENCH_JVM:-}
WORK=.work/api-bench
mkdir -p "$WORK"

mvn -q -pl bench -am -DskipTests package dependency:build-classpath -Dmdep.outputFile=target/bench.cp >/dev/null
CP="bench/target/classes:$(cat bench/target/bench.cp)"

java -cp "$CP" io.fhirflow.bench.api.ApiBenchData

# The audit topic's broker runs in its own JVM (as a cluster would), so the API's CPU figure is the API's.
rm -f "$WORK/audit-bootstrap"
java -Xmx512m -cp "$CP" io.fhirflow.bench.api.AuditBrokerServer "$WORK/audit-bootstrap" >"$WORK/broker.log" 2>&1 &
BROKER=$!
trap 'kill $BROKER 2>/dev/null || true; wait $BROKER 2>/dev/null || true' EXIT
await_file "$WORK/audit-bootstrap"
java -Xmx1g $JVM_OPTS -cp "$CP" io.fhirflow.bench.api.ApiBenchServer "$PORT" "$WORK" jdbc:postgresql://127.0.0.1:5432/test?user=postgres "$RAW" \
  "$(cat "$WORK/audit-bootstrap")" >"$WORK/server.log" 2>&1 &
SERVER=$!
trap 'kill $SERVER $BROKER 2>/dev/null || true; wait $SERVER $BROKER 2>/dev/null || true' EXIT
await_url "http://127.0.0.1:$PORT/health/ready"
curl -fsS "http://127.0.0.1:$PORT/health/ready" >/dev/null

cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
# The whole machine (user, nice, system, irq, softirq, steal) and every postgres process, in ticks:
# with nothing else running, machine - server - broker - postgres is the load generator (wrk).
machine_ticks() { awk '/^cpu / {print $2 + $3 + $4 + $7 + $8 + $9}' /proc/stat; }
postgres_ticks() {
  local total=0 pid
  for pid in $(pgrep -x postgres); do total=$((total + $(cpu_ticks "$pid" 2>/dev/null || echo 0))); done
  echo "$total"
}
per_request() { awk -v t="$1" -v n="$2" -v hz="$(getconf CLK_TCK)" 'BEGIN {printf "%.2f ms", t / hz * 1000 / n}'; }

# A 10 s warm-up (JIT, pool, token cache), then wrk for SECONDS_RUN with the CPU of the machine, of
# PostgreSQL and of the given processes per request. Args: label output-file pid...
measure_wrk() {
  local label=$1 out=$2
  shift 2
  wrk -t2 -c"$CONNECTIONS" -d10s -s bench/api/heart-rate.lua "http://127.0.0.1:$PORT" -- "$WORK" >/dev/null
  echo "== $label, wrk -t2 -c$CONNECTIONS -d${SECONDS_RUN}s"
  local m0 p0 pid reqs
  local -a t0=()
  m0=$(machine_ticks)
  p0=$(postgres_ticks)
  for pid in "$@"; do t0+=("$(cpu_ticks "$pid")"); done
  wrk -t2 -c"$CONNECTIONS" -d"${SECONDS_RUN}s" --latency -s bench/api/heart-rate.lua "http://127.0.0.1:$PORT" -- "$WORK" | tee "$out"
  local m1 p1 i=0 named=0
  m1=$(machine_ticks)
  p1=$(postgres_ticks)
  reqs=$(awk '/requests in/ {print $1}' "$out")
  for pid in "$@"; do
    local d=$(($(cpu_ticks "$pid") - t0[i]))
    named=$((named + d))
    echo "process $pid ($(tr '\0' ' ' <"/proc/$pid/cmdline" | grep -o 'io.fhirflow.bench.api.[A-Za-z]*' | sed 's/.*\.//')) CPU per request: $(per_request "$d" "$reqs")"
    i=$((i + 1))
  done
  echo "postgres CPU per request: $(per_request $((p1 - p0)) "$reqs")"
  echo "machine CPU per request: $(per_request $((m1 - m0)) "$reqs") (the rest, mostly wrk: $(per_request $((m1 - m0 - p1 + p0 - named)) "$reqs"))"
}

# Sends one benchmark request and keeps the response body (the page the floor server replays).
save_page() { # file
  local patient token
  patient=$(head -1 "$WORK/patients.txt")
  token=$(cat "$WORK/token")
  curl -fsS -H "Authorization: Bearer $token" -H 'Accept: application/fhir+json' -o "$1" \
    "http://127.0.0.1:$PORT/fhir/Observation?patient=$patient&code=http://loinc.org%7C8867-4&date=ge2026-11-25T00:00:00Z&_sort=-date&_count=100"
}

measure_wrk "API (raw bundle streaming: $RAW)" "$WORK/wrk.txt" "$SERVER" "$BROKER"
save_page "$WORK/page.json"
kill $SERVER $BROKER; wait $SERVER $BROKER 2>/dev/null || true
trap - EXIT

echo "== bare SQL over pgjdbc (same query, same concurrency, same pool size)"
java -Xmx1g -cp "$CP" io.fhirflow.bench.api.SqlCeiling "$CONNECTIONS" "$SECONDS_RUN" | tee "$WORK/sql.txt"

# Optional (API_BENCH_FLOORS=true): the floors under the API on its own Jetty set-up
# (JettyFloorServer): Jetty answering with the saved page, then Jetty + the same search.
if [ "${API_BENCH_FLOORS:-false}" = true ]; then
  for mode in page sql; do
    arg="$WORK/page.json"
    [ "$mode" = sql ] && arg=jdbc:postgresql://127.0.0.1:5432/test?user=postgres
    java -Xmx1g -cp "$CP" io.fhirflow.bench.api.JettyFloorServer "$PORT" "$mode" "$arg" >"$WORK/floor-$mode.log" 2>&1 &
    FLOOR=$!
    trap 'kill $FLOOR 2>/dev/null || true; wait $FLOOR 2>/dev/null || true' EXIT
    await_url "http://127.0.0.1:$PORT/fhir/Observation?patient=$(head -1 "$WORK/patients.txt")"
    measure_wrk "floor: Jetty $([ "$mode" = page ] && echo 'answering with the saved page' || echo '+ the same search, rows written as stored')" "$WORK/floor-$mode.txt" "$FLOOR"
    kill $FLOOR; wait $FLOOR 2>/dev/null || true
    trap - EXIT
  done
fi

API_RPS=$(awk '/Requests\/sec/ {print $2}' "$WORK/wrk.txt")
SQL_RPS=$(sed -n 's/.*rps=\([0-9]*\).*/\1/p' "$WORK/sql.txt")
echo "== API/SQL throughput ratio: $(awk -v a="$API_RPS" -v s="$SQL_RPS" 'BEGIN {printf "%.2f", a / s}') (API $API_RPS req/s, SQL $SQL_RPS req/s)"
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) cores (shared machine: figures are noisy)"

# Plots of the figures above, next to the outputs: $WORK/api-latency.png (percentiles, API and
# bare SQL), $WORK/api-throughput.png (requests/s against the ceiling).
java -cp "$CP" io.fhirflow.bench.BenchChart api "$WORK/wrk.txt" "$WORK/sql.txt" "$WORK"

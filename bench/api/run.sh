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

# Warm-up (JIT, pool, token cache), then the measured run.
wrk -t2 -c"$CONNECTIONS" -d10s -s bench/api/heart-rate.lua "http://127.0.0.1:$PORT" -- "$WORK" >/dev/null
echo "== API (raw bundle streaming: $RAW), wrk -t2 -c$CONNECTIONS -d${SECONDS_RUN}s"
cpu_ticks() { awk '{print $14 + $15}' "/proc/${1:-$SERVER}/stat"; }
CPU0=$(cpu_ticks)
BCPU0=$(cpu_ticks $BROKER)
wrk -t2 -c"$CONNECTIONS" -d"${SECONDS_RUN}s" --latency -s bench/api/heart-rate.lua "http://127.0.0.1:$PORT" -- "$WORK" | tee "$WORK/wrk.txt"
CPU1=$(cpu_ticks)
BCPU1=$(cpu_ticks $BROKER)
REQS=$(awk '/requests in/ {print $1}' "$WORK/wrk.txt")
# CPU the API process (Jetty, HAPI, JWT, audit producer; not the broker, which has its own JVM) spent per request;
# under contention this, not req/s, says what the code costs. PostgreSQL's CPU is not included.
per_request() { awk -v t="$1" -v n="$REQS" -v hz="$(getconf CLK_TCK)" 'BEGIN {printf "%.2f ms", t / hz * 1000 / n}'; }
echo "API process CPU per request: $(per_request $((CPU1 - CPU0)))"
echo "audit broker process CPU per request (separate JVM): $(per_request $((BCPU1 - BCPU0)))"
kill $SERVER $BROKER; wait $SERVER $BROKER 2>/dev/null || true
trap - EXIT

echo "== bare SQL over pgjdbc (same query, same concurrency, same pool size)"
java -Xmx1g -cp "$CP" io.fhirflow.bench.api.SqlCeiling "$CONNECTIONS" "$SECONDS_RUN" | tee "$WORK/sql.txt"

API_RPS=$(awk '/Requests\/sec/ {print $2}' "$WORK/wrk.txt")
SQL_RPS=$(sed -n 's/.*rps=\([0-9]*\).*/\1/p' "$WORK/sql.txt")
echo "== API/SQL throughput ratio: $(awk -v a="$API_RPS" -v s="$SQL_RPS" 'BEGIN {printf "%.2f", a / s}') (API $API_RPS req/s, SQL $SQL_RPS req/s)"
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) cores (shared machine: figures are noisy)"

# Plots of the figures above, next to the outputs: $WORK/api-latency.png (percentiles, API and
# bare SQL), $WORK/api-throughput.png (requests/s against the ceiling).
java -cp "$CP" io.fhirflow.bench.BenchChart api "$WORK/wrk.txt" "$WORK/sql.txt" "$WORK"

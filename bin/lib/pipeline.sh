# shellcheck shell=bash
# The pipeline processes of bin/run-local (sourced, not run): topology, sink (Connect standalone),
# FHIR API and the traffic simulator, each a JVM on the class path that `mvn package` laid out
# under dist/image-*/target (the same jars the container images copy). Every process runs in its
# own session (setsid) so that Ctrl-C reaches only the simulator in the foreground, and
# stop_pipeline stops exactly the processes started here, newest first.
#
# Needs: FHIRFLOW_STACK_WORK_DIR, and from .work/stack.env FHIRFLOW_BOOTSTRAP_SERVERS,
# FHIRFLOW_SCHEMA_REGISTRY_URL, FHIRFLOW_PG_URL (JDBC), FHIRFLOW_REDIS_URL.
# Ports: FHIRFLOW_TOPOLOGY_PORT (8091), FHIRFLOW_API_PORT (8090), FHIRFLOW_CONNECT_PORT (8083),
# FHIRFLOW_CONNECT_METRICS_PORT (8084: the sink's Prometheus /metrics), FHIRFLOW_SINK_PORT (the
# sink runner's /health/live and /health/ready; FHIRFLOW_CONNECT_PORT + 9, so 8092).
# Heap of each JVM: FHIRFLOW_JVM_HEAP (512m; bench/run-faults runs eight JVMs with 256m).
# More JVM options for every process: FHIRFLOW_JVM_OPTS, where {name} stands for the process's name
# (bench/run-freshness: -Xlog:gc:file=<logs>/{name}-gc.log and the sink task's DEBUG batch lines).

: "${FHIRFLOW_TOPOLOGY_PORT:=8091}" "${FHIRFLOW_API_PORT:=8090}" "${FHIRFLOW_CONNECT_PORT:=8083}"
: "${FHIRFLOW_CONNECT_METRICS_PORT:=8084}" "${FHIRFLOW_SINK_PORT:=$((FHIRFLOW_CONNECT_PORT + 9))}"
RUN_DIR="$FHIRFLOW_STACK_WORK_DIR/run-local"
LOG_DIR="$FHIRFLOW_STACK_WORK_DIR/logs"
PIPELINE_PIDS=()
PIPELINE_NAMES=()

# Starts a JVM in the background in its own session; output goes to $LOG_DIR/<name>.log.
start_jvm() { # name classpath main args...
  local name=$1 cp=$2 main=$3
  shift 3
  mkdir -p "$LOG_DIR"
  local opts=${FHIRFLOW_JVM_OPTS:-}
  # shellcheck disable=SC2086 # FHIRFLOW_JVM_OPTS is a list of options
  setsid java -Xmx"${FHIRFLOW_JVM_HEAP:-512m}" -XX:+UseSerialGC -Dorg.slf4j.simpleLogger.defaultLogLevel=warn ${opts//\{name\}/$name} -cp "$cp" "$main" "$@" \
    >"$LOG_DIR/$name.log" 2>&1 </dev/null &
  PIPELINE_PIDS+=("$!")
  PIPELINE_NAMES+=("$name")
  log "started $name (pid $!, log ${LOG_DIR#"$ROOT"/}/$name.log)"
}

# Waits until an HTTP URL answers 200, or fails after $3 seconds naming the process and its log.
# The process watched is the one started last, or the pid given as $4.
wait_http() { # name url seconds [pid]
  local name=$1 url=$2 deadline=$((SECONDS + $3)) pid=${4:-${PIPELINE_PIDS[-1]}}
  until curl -fsS -o /dev/null "$url" 2>/dev/null; do
    if ! kill -0 "$pid" 2>/dev/null; then
      log "$name exited during start; last lines of its log:"; tail -n 20 "$LOG_DIR/$name.log" >&2; return 1
    fi
    if [ $SECONDS -ge $deadline ]; then
      log "$name not ready after $3 s ($url); see ${LOG_DIR#"$ROOT"/}/$name.log"; return 1
    fi
    sleep 1
  done
  log "$name ready ($url)"
}

image_cp() { echo "$ROOT/dist/image-$1/target/lib/*"; }

# JDBC URL of the stack's database with the pipeline's schema (the sink creates its tables there).
pipeline_jdbc_url() {
  local sep='?'
  case "$FHIRFLOW_PG_URL" in *\?*) sep='&' ;; esac
  echo "${FHIRFLOW_PG_URL}${sep}currentSchema=fhirflow"
}

start_topology() {
  mkdir -p "$RUN_DIR"
  FHIRFLOW_TOPOLOGY_BOOTSTRAP_SERVERS="$FHIRFLOW_BOOTSTRAP_SERVERS" \
  FHIRFLOW_TOPOLOGY_SCHEMA_REGISTRY_URL="$FHIRFLOW_SCHEMA_REGISTRY_URL" \
  FHIRFLOW_TOPOLOGY_METRICS_REDIS_URL="$FHIRFLOW_REDIS_URL" \
  FHIRFLOW_TOPOLOGY_HTTP_PORT="$FHIRFLOW_TOPOLOGY_PORT" \
  FHIRFLOW_TOPOLOGY_STATE_DIR="$RUN_DIR/topology-state" \
    start_jvm topology "$(image_cp topology)" io.fhirflow.topology.Main "$ROOT/config/topology.properties"
  wait_http topology "http://127.0.0.1:$FHIRFLOW_TOPOLOGY_PORT/health/ready" 180
}

# Connect standalone with config/ files, re-pointed at the stack's broker and database.
# FHIRFLOW_LOCAL_SINK_PROPERTIES: space-separated key=value lines appended to the connector's file (later
# keys win; not FHIRFLOW_SINK_*: the sink reads every variable under its prefix as a key and refuses
# unknown ones); arguments: more connector files for the same worker (bench/run-freshness --compare).
start_sink() {
  mkdir -p "$RUN_DIR"
  local worker="$RUN_DIR/sink-standalone.properties" connector="$RUN_DIR/fhir-sink-connector.properties"
  sed -e "s#^bootstrap.servers=.*#bootstrap.servers=$FHIRFLOW_BOOTSTRAP_SERVERS#" \
      -e "s#^offset.storage.file.filename=.*#offset.storage.file.filename=$RUN_DIR/connect-sink.offsets#" \
      -e "s#^listeners=.*#listeners=http://127.0.0.1:$FHIRFLOW_CONNECT_PORT#" \
      -e "s#reporter.listener=http://127.0.0.1:[0-9]*#reporter.listener=http://127.0.0.1:$FHIRFLOW_CONNECT_METRICS_PORT#" \
      "$ROOT/config/sink-standalone.properties" >"$worker"
  local url
  url=$(pipeline_jdbc_url | sed 's/[&#\\]/\\&/g') # & and # are special in a sed replacement
  sed -e "s#^connection.url=.*#connection.url=$url#" "$ROOT/config/fhir-sink-connector.properties" >"$connector"
  # shellcheck disable=SC2086 # a list of key=value words
  [ -z "${FHIRFLOW_LOCAL_SINK_PROPERTIES:-}" ] || printf '%s\n' $FHIRFLOW_LOCAL_SINK_PROPERTIES >>"$connector"
  as_pg_schema
  FHIRFLOW_SINK_HEALTH_PORT="$FHIRFLOW_SINK_PORT" \
    start_jvm sink "$(sink_classpath)" io.fhirflow.sink.standalone.StandaloneSink "$worker" "$connector" "$@"
  # Ready: the connector and every task RUNNING.
  wait_http sink "http://127.0.0.1:$FHIRFLOW_SINK_PORT/health/ready" 120
}

# The sink's schema must exist before Flyway migrates into it.
as_pg_schema() {
  psql -q "$(psql_url)" -c "CREATE SCHEMA IF NOT EXISTS fhirflow" >/dev/null
}

# libpq form of the stack's JDBC URL (psql does not read jdbc: URLs).
psql_url() {
  echo "postgresql://${FHIRFLOW_PG_URL#jdbc:postgresql://}"
}

# Connect standalone needs connect-runtime, which the plugin layout leaves to the worker:
# dist/local-sink lays out connector + runtime.
sink_classpath() {
  echo "$ROOT/dist/local-sink/target/lib/*"
}

start_api() {
  local dir="$RUN_DIR/fhir-api"
  mkdir -p "$dir"
  # The dev signing key and its JWKS (created once); tokens are minted per patient for the summary.
  java -cp "$(image_cp fhir-api)" io.fhirflow.api.devtoken.DevTokenCommand --dir "$dir" >/dev/null
  [ -s "$dir/cursor-secret" ] || head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n' >"$dir/cursor-secret"
  FHIRFLOW_API_HTTP_PORT="$FHIRFLOW_API_PORT" \
  FHIRFLOW_API_PUBLIC_BASE_URL="http://127.0.0.1:$FHIRFLOW_API_PORT" \
  FHIRFLOW_API_DB_URL="$(pipeline_jdbc_url)" \
  FHIRFLOW_API_REDIS_URL="$FHIRFLOW_REDIS_URL" \
  FHIRFLOW_API_AUTH_JWKS="$dir/jwks.json" \
  FHIRFLOW_API_AUTH_ISSUER=https://fhirflow.local/dev-issuer \
  FHIRFLOW_API_AUTH_AUDIENCE=fhirflow-api \
  FHIRFLOW_API_SEARCH_CURSOR_SECRET="$(cat "$dir/cursor-secret")" \
  FHIRFLOW_API_AUDIT_BOOTSTRAP_SERVERS="$FHIRFLOW_BOOTSTRAP_SERVERS" \
    start_jvm fhir-api "$(image_cp fhir-api)" io.fhirflow.api.Main
  wait_http fhir-api "http://127.0.0.1:$FHIRFLOW_API_PORT/health/live" 120
  # Audit is fail-closed: a slow first metadata fetch starts the audit sink as down, and the next
  # delivered audit event (a /metadata call is audited too) brings it up. Ready = audit + database.
  curl -fsS -o /dev/null "http://127.0.0.1:$FHIRFLOW_API_PORT/fhir/metadata" 2>/dev/null || true
  wait_http fhir-api "http://127.0.0.1:$FHIRFLOW_API_PORT/health/ready" 60
}

dev_token() { # patient-id tenant
  java -cp "$(image_cp fhir-api)" io.fhirflow.api.devtoken.DevTokenCommand --dir "$RUN_DIR/fhir-api" --patient "$1" --tenant "${2:-default}" --ttl PT1H
}

# The topology's counters once it has gone quiet (the stack check's sample, records left from an
# earlier run): the summary reports what this run added.
snapshot_baseline() {
  local last=-1 now deadline=$((SECONDS + 30))
  now=$(topology_counter fhirflow_samples_in)
  while [ "$now" != "$last" ] && [ $SECONDS -lt $deadline ]; do
    last=$now
    sleep 2
    now=$(topology_counter fhirflow_samples_in)
  done
  BASE_IN=$now
  mkdir -p "$RUN_DIR"
  curl -fsS "http://127.0.0.1:$FHIRFLOW_TOPOLOGY_PORT/metrics" >"$RUN_DIR/metrics-before.txt" 2>/dev/null || : >"$RUN_DIR/metrics-before.txt"
}
BASE_IN=0

# The simulator in the foreground: its progress line is the run's live display. Its users are
# spread over the tenants (FHIRFLOW_STACK_TENANTS, default default,acme: the raw topics bin/stack up
# created), each tenant's records on its own raw topic.
run_simulator() { # users rate duration
  mkdir -p "$RUN_DIR"
  rm -f "$RUN_DIR/simulator.json"
  java -Xmx256m -cp "$(image_cp cli)" io.fhirflow.cli.Main simulate --users "$1" --rate "$2" --duration "$3" \
    --tenants "$(echo "${FHIRFLOW_STACK_TENANTS:-default,acme}" | tr -d ' ')" \
    --bootstrap-servers "$FHIRFLOW_BOOTSTRAP_SERVERS" --schema-registry-url "$FHIRFLOW_SCHEMA_REGISTRY_URL" \
    --summary-json "$RUN_DIR/simulator.json"
}

# One of the topology's Prometheus counters (summed over its tags), 0 when absent.
topology_counter() { # metric name without _total
  curl -fsS "http://127.0.0.1:$FHIRFLOW_TOPOLOGY_PORT/metrics" 2>/dev/null \
    | awk -v m="$1" '$1 ~ "^"m"_total" { s += $NF } END { printf "%d", s }'
}

json_number() { # key file
  sed -n "s/.*\"$1\":\([0-9]*\).*/\1/p" "$2" | head -1
}

# Waits until the topology has consumed everything the simulator sent: as long as it makes
# progress (on a loaded machine it can trail the simulator by minutes), at most 30 s without any
# and 10 min in all.
wait_drained() {
  local sent now last=-1 stalled_since=$SECONDS deadline=$((SECONDS + 600))
  sent=$(json_number total "$RUN_DIR/simulator.json")
  [ -n "$sent" ] || return 0
  while now=$(($(topology_counter fhirflow_samples_in) - BASE_IN)); [ "$now" -lt "$sent" ] && [ $SECONDS -lt $deadline ]; do
    if [ "$now" != "$last" ]; then last=$now; stalled_since=$SECONDS; fi
    [ $((SECONDS - stalled_since)) -lt 30 ] || break
    printf '\r[fhirflow] waiting for the topology: %s of %s consumed ' "$now" "$sent" >&2
    sleep 1
  done
  printf '\n' >&2
}

# Waits until the topology's summaries settle (bin/run-local turns them on): no new summary written
# for 12 s, longer than one emit tick (summaries.emit.interval.ms, 10 s), or 60 s pass. Returns at
# once when summaries are off (the counter is absent).
wait_summaries() {
  curl -fsS "http://127.0.0.1:$FHIRFLOW_TOPOLOGY_PORT/metrics" 2>/dev/null | grep -q '^fhirflow_summaries_emitted_total' || return 0
  local last=-1 now stable=0 deadline=$((SECONDS + 60))
  while [ $stable -lt 12 ] && [ $SECONDS -lt $deadline ]; do
    now=$(topology_counter fhirflow_summaries_emitted)
    if [ "$now" = "$last" ]; then stable=$((stable + 1)); else stable=0; last=$now; fi
    printf '\r[fhirflow] waiting for the summaries to settle: %s written ' "$now" >&2
    sleep 1
  done
  printf '\n' >&2
  sleep 2 # the sink's last batch
}

# One patient's day summaries through the API, one line each: what, status and version, figures.
print_day_summaries() { # patient token base
  local query="patient=$1&category=https://fhirflow.io/fhir/CodeSystem/summary%7Cdaily&_sort=-date&_count=20"
  echo "== day summaries of Patient/$1 (GET $3/fhir/Observation?$query)"
  curl -fsS -H "Authorization: Bearer $2" "$3/fhir/Observation?$query" 2>/dev/null \
    | /usr/bin/python3 -c '
import json, sys
b = json.load(sys.stdin)
rows = [e["resource"] for e in b.get("entry", [])]
if not rows:
    print("  none yet (summaries of a day are written an hour after it ends: docs/summaries.md)")
for o in rows:
    what = o["identifier"][0]["value"]
    if "valueQuantity" in o:
        q = o["valueQuantity"]
        figures = "%s %s" % (q["value"], q.get("unit", ""))
    else:
        parts = []
        for c in o.get("component", []):
            v = c.get("valueQuantity", {}).get("value", c.get("valueInteger"))
            parts.append("%s %s" % (c["code"]["coding"][0]["code"], v))
        figures = ", ".join(parts)
    print("  %-40s %-8s v%-3s %s" % (what, o["status"], o["meta"]["versionId"], figures))
' 2>/dev/null || echo "  (API did not answer; see ${LOG_DIR#"$ROOT"/}/fhir-api.log)"
}

print_summary() {
  local sim="$RUN_DIR/simulator.json"
  echo
  echo "== fhirflow local run: summary"
  if [ -s "$sim" ]; then
    # The counts in total and per tenant, each side of the conservation equation
    # (io.fhirflow.stack.RunSummary: this run's counters are the difference of two scrapes).
    curl -fsS "http://127.0.0.1:$FHIRFLOW_TOPOLOGY_PORT/metrics" >"$RUN_DIR/metrics-after.txt" 2>/dev/null || : >"$RUN_DIR/metrics-after.txt"
    java -Xmx64m -XX:TieredStopAtLevel=1 -cp "$ROOT/local-stack/target/classes:$(cat "$ROOT/local-stack/target/classpath.txt")" \
      io.fhirflow.stack.RunSummary "$sim" "$RUN_DIR/metrics-before.txt" "$RUN_DIR/metrics-after.txt" || true
    echo "  (the simulator's intent and the topology's count can differ slightly: a duplicate of a record"
    echo "   whose original was dead-lettered, or an update racing its original, is counted by what happened)"
  fi
  local sql patient tenant
  sql="psql -X -q $(psql_url)"
  # psql connects as the tables' owner, whom row-level security does not bind: every tenant's rows.
  read -r patient tenant < <($sql -At -F ' ' -c "SELECT patient_id, tenant FROM fhirflow.fhir_observation GROUP BY patient_id, tenant ORDER BY count(*) DESC LIMIT 1" 2>/dev/null || true)
  if [ -z "$patient" ]; then
    echo "  no Observation rows in PostgreSQL yet (see ${LOG_DIR#"$ROOT"/}/sink.log)"
    return
  fi
  echo
  echo "== the same user id in two tenants is two patients (PostgreSQL, fhir_patient)"
  $sql -c "SELECT tenant, id AS patient_id, i AS identifier FROM fhirflow.fhir_patient, unnest(identifiers) i WHERE i LIKE '%|sim-user-0001' ORDER BY tenant" 2>/dev/null || true
  echo "== PostgreSQL: Patient/$patient of tenant $tenant (schema fhirflow)"
  $sql -c "SELECT code, effective_start, version_id, resource->'valueQuantity'->>'value' AS value, resource->'valueQuantity'->>'unit' AS unit FROM fhirflow.fhir_observation WHERE patient_id = '$patient' ORDER BY effective_start DESC LIMIT 8" 2>/dev/null || true
  $sql -c "SELECT count(*) AS observations, count(DISTINCT code) AS codes, min(effective_start), max(effective_start) FROM fhirflow.fhir_observation WHERE patient_id = '$patient'" 2>/dev/null || true
  local token base="http://127.0.0.1:$FHIRFLOW_API_PORT"
  token=$(dev_token "$patient" "$tenant" 2>/dev/null | tail -1)
  echo "== one FHIR resource (GET $base/fhir/Observation?patient=$patient&_count=1)"
  curl -fsS -H "Authorization: Bearer $token" "$base/fhir/Observation?patient=$patient&_count=1&_sort=-date" 2>/dev/null \
    | /usr/bin/python3 -c 'import json,sys; b=json.load(sys.stdin); print(json.dumps(b["entry"][0]["resource"], indent=2) if b.get("entry") else b)' 2>/dev/null \
    || echo "  (API did not answer; see ${LOG_DIR#"$ROOT"/}/fhir-api.log)"
  if [ "${FHIRFLOW_TOPOLOGY_SUMMARIES_ENABLED:-false}" = true ]; then
    print_day_summaries "$patient" "$token" "$base"
  fi
  echo "== Redis metrics of Patient/$patient (GET $base/metrics/Patient/$patient)"
  curl -fsS -H "Authorization: Bearer $token" "$base/metrics/Patient/$patient" 2>/dev/null \
    | /usr/bin/python3 -m json.tool 2>/dev/null | head -40 || echo "  (no metrics view; keys: docs/redis-metrics.md, e.g. redis-cli --scan --pattern 'fhirflow:*$patient:*')"
  echo
  echo "== try it (token valid 1 h, confined to this patient of tenant $tenant)"
  echo "  export TOKEN=$token"
  echo "  curl -s -H \"Authorization: Bearer \$TOKEN\" '$base/fhir/Observation?patient=$patient&code=http://loinc.org%7C8867-4&_sort=-date&_count=5'"
  echo "  curl -s -H \"Authorization: Bearer \$TOKEN\" '$base/fhir/Observation/\$lastn?patient=$patient'"
  echo "  trends page: $base/app/#access_token=$token"
  echo "  (bin/run-local --keep leaves the pipeline running after this summary, for the page)"
  echo
  echo "== where to look next"
  echo "  logs:        ${LOG_DIR#"$ROOT"/}/{topology,sink,fhir-api}.log"
  echo "  metrics:     http://127.0.0.1:$FHIRFLOW_TOPOLOGY_PORT/metrics (conservation counters), $base/metrics"
  echo "  dead letters: wearable.samples.dlq (headers dlq.stage, dlq.reason) — docs/operations.md"
  echo "  import your own iPhone export: docs/importer.md;  deploy: docs/operations.md, k8s/"
}

stop_pipeline() {
  local i
  for ((i = ${#PIPELINE_PIDS[@]} - 1; i >= 0; i--)); do
    local pid=${PIPELINE_PIDS[$i]}
    if kill -0 "$pid" 2>/dev/null; then
      log "stopping ${PIPELINE_NAMES[$i]} (pid $pid)"
      kill -TERM "$pid" 2>/dev/null || true
      local deadline=$((SECONDS + 40))
      while kill -0 "$pid" 2>/dev/null && [ $SECONDS -lt $deadline ]; do sleep 0.5; done
      kill -0 "$pid" 2>/dev/null && { log "${PIPELINE_NAMES[$i]} did not stop in 40 s; killing it"; kill -KILL "$pid" 2>/dev/null || true; }
    fi
  done
  PIPELINE_PIDS=()
  PIPELINE_NAMES=()
}

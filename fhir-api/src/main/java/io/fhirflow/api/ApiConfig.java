package io.fhirflow.api;

import io.fhirflow.contracts.ConfigSources;
import io.fhirflow.contracts.LoggedConfig;
import io.fhirflow.contracts.PipelineTopic;
import io.fhirflow.contracts.RedisKeyLayout;
import io.fhirflow.store.StoreTables;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.CaseInsensitiveValidString;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.NonEmptyString;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigException;

/**
 * Every setting of the FHIR API, typed and documented in one {@link ConfigDef}
 * (docs/configuration.md is generated from it).
 *
 * <p>Sources, later wins ({@link ConfigSources}, the rule every process follows): the properties
 * file ({@code config/fhir-api.properties}), then the environment: key {@code api.http.port} is
 * overridden by {@code FHIRFLOW_API_HTTP_PORT}. Keys under {@code api.audit.kafka.} pass straight
 * through to the audit Kafka producer (TLS/SASL). Any value may reference a secret with Kafka's
 * config providers ({@code ${env:VAR}}, {@code ${file:/path:key}}, {@code
 * ${dir:/run/secrets:name}}). An unknown key or variable, a missing required key and a value out of
 * range stop the process at start.
 */
public final class ApiConfig extends AbstractConfig {

  public static final String KEY_PREFIX = "api.";
  public static final String AUDIT_KAFKA_PREFIX = "api.audit.kafka.";

  public static final String HTTP_PORT_CONFIG = "api.http.port";
  public static final String HTTP_STOP_TIMEOUT_CONFIG = "api.http.stop.timeout.ms";
  public static final String PUBLIC_BASE_URL_CONFIG = "api.public.base.url";
  public static final String DB_URL_CONFIG = "api.db.url";
  public static final String DB_USER_CONFIG = "api.db.user";
  public static final String DB_PASSWORD_CONFIG = "api.db.password";
  public static final String DB_POOL_SIZE_CONFIG = "api.db.pool.size";
  public static final String DB_STATEMENT_TIMEOUT_CONFIG = "api.db.statement.timeout.ms";
  public static final String REDIS_URL_CONFIG = "api.redis.url";
  public static final String REDIS_KEY_PREFIX_CONFIG = "api.redis.key.prefix";
  public static final String JWKS_CONFIG = "api.auth.jwks";
  public static final String ISSUER_CONFIG = "api.auth.issuer";
  public static final String AUDIENCE_CONFIG = "api.auth.audience";
  public static final String CLOCK_SKEW_CONFIG = "api.auth.clock.skew.seconds";
  public static final String USER_SCOPES_WITHOUT_PATIENT_CONFIG =
      "api.auth.user.scopes.without.patient";
  public static final String DEFAULT_COUNT_CONFIG = "api.search.default.count";
  public static final String MAX_COUNT_CONFIG = "api.search.max.count";
  public static final String CURSOR_SECRET_CONFIG = "api.search.cursor.secret";
  public static final String RAW_BUNDLE_CONFIG = "api.search.raw.bundle";
  public static final String LEAN_SEARCH_CONFIG = "api.search.lean.path";
  public static final String AUDIT_BOOTSTRAP_CONFIG = "api.audit.bootstrap.servers";
  public static final String AUDIT_TOPIC_CONFIG = "api.audit.topic";
  public static final String AUDIT_FAILURE_MODE_CONFIG = "api.audit.failure.mode";
  public static final String AUDIT_DELIVERY_TIMEOUT_CONFIG = "api.audit.delivery.timeout.ms";
  public static final String BULK_DIR_CONFIG = "api.bulk.dir";
  public static final String BULK_FILE_TTL_CONFIG = "api.bulk.file.ttl.seconds";
  public static final String BULK_WORKERS_CONFIG = "api.bulk.workers";
  public static final String BULK_MAX_JOBS_CONFIG = "api.bulk.max.jobs";
  public static final String BULK_FETCH_SIZE_CONFIG = "api.bulk.fetch.size";
  public static final String BULK_STATEMENT_TIMEOUT_CONFIG = "api.bulk.statement.timeout.ms";

  public static final ConfigDef CONFIG_DEF =
      new ConfigDef()
          .define(
              HTTP_PORT_CONFIG,
              Type.INT,
              8080,
              Range.between(0, 65535),
              Importance.HIGH,
              "TCP port of the one HTTP listener: FHIR base /fhir, patient metrics /metrics/Patient/{id}, health /health/*, Prometheus /metrics;"
                  + " 0 picks a free port.")
          .define(
              HTTP_STOP_TIMEOUT_CONFIG,
              Type.INT,
              10_000,
              Range.atLeast(0),
              Importance.LOW,
              "On shutdown (SIGTERM): how long requests in flight may run to completion, new connections refused, before the audit events "
                  + "still buffered are flushed to Kafka and the process exits. Keep it under the pod's termination grace period.")
          .define(
              PUBLIC_BASE_URL_CONFIG,
              Type.STRING,
              "",
              Importance.MEDIUM,
              "Absolute FHIR base URL used in Bundle links (e.g. https://fhir.example.org/fhir). Empty: derived from each request.")
          .define(
              DB_URL_CONFIG,
              Type.STRING,
              "jdbc:postgresql://127.0.0.1:5432/fhirflow",
              new NonEmptyString(),
              Importance.HIGH,
              "pgjdbc URL of the sink's database (sslmode etc. pass through; currentSchema selects the schema).")
          .define(
              DB_USER_CONFIG,
              Type.STRING,
              "",
              Importance.HIGH,
              "Database user; a read-only role is enough (SELECT on "
                  + String.join(", ", StoreTables.COLUMNS.keySet())
                  + ").")
          .define(
              DB_PASSWORD_CONFIG,
              Type.PASSWORD,
              "",
              Importance.HIGH,
              "Database password (from the environment or a mounted file, never committed).")
          .define(
              DB_POOL_SIZE_CONFIG,
              Type.INT,
              8,
              Range.atLeast(1),
              Importance.MEDIUM,
              "Maximum JDBC connections (HikariCP). A few per core is the sweet spot for short index lookups.")
          .define(
              DB_STATEMENT_TIMEOUT_CONFIG,
              Type.INT,
              5_000,
              Range.atLeast(0),
              Importance.MEDIUM,
              "Server-side statement timeout per query; a slow query fails with 503 instead of piling up.")
          .define(
              REDIS_URL_CONFIG,
              Type.STRING,
              "redis://127.0.0.1:6379",
              new NonEmptyString(),
              Importance.HIGH,
              "Lettuce URI of the metrics Redis (rediss:// for TLS, credentials in the URI from the environment).")
          .define(
              REDIS_KEY_PREFIX_CONFIG,
              Type.STRING,
              RedisKeyLayout.DEFAULT_PREFIX,
              new NonEmptyString(),
              Importance.MEDIUM,
              "Prefix of the metric keys written by the topology (docs/redis-metrics.md).")
          .define(
              JWKS_CONFIG,
              Type.STRING,
              ConfigDef.NO_DEFAULT_VALUE,
              new NonEmptyString(),
              Importance.HIGH,
              "Where the token signing keys are: a JWKS file path or an https:// URL (cached, refreshed on unknown kid).")
          .define(
              ISSUER_CONFIG,
              Type.STRING,
              ConfigDef.NO_DEFAULT_VALUE,
              new NonEmptyString(),
              Importance.HIGH,
              "Required 'iss' of every bearer token.")
          .define(
              AUDIENCE_CONFIG,
              Type.STRING,
              ConfigDef.NO_DEFAULT_VALUE,
              new NonEmptyString(),
              Importance.HIGH,
              "Required 'aud' of every bearer token (usually the FHIR base URL).")
          .define(
              CLOCK_SKEW_CONFIG,
              Type.INT,
              30,
              Range.atLeast(0),
              Importance.LOW,
              "Tolerance applied to exp/nbf.")
          .define(
              USER_SCOPES_WITHOUT_PATIENT_CONFIG,
              Type.STRING,
              "refuse",
              CaseInsensitiveValidString.in("refuse", "all-patients"),
              Importance.MEDIUM,
              "What a user/ scope grants on a token without a 'patient' claim. refuse: nothing (403), since this server cannot tell which "
                  + "patients the user may see; all-patients: every patient, like a system/ scope, for an issuer that grants user/ scopes only to "
                  + "users entitled to all of them. A token with a 'patient' claim is confined to that patient either way.")
          .define(
              DEFAULT_COUNT_CONFIG,
              Type.INT,
              100,
              Range.atLeast(1),
              Importance.LOW,
              "Page size when _count is absent; at most " + MAX_COUNT_CONFIG + ".")
          .define(
              MAX_COUNT_CONFIG,
              Type.INT,
              1000,
              Range.atLeast(1),
              Importance.LOW,
              "Largest page size; a larger _count is capped to it (FHIR lets a server return fewer).")
          .define(
              CURSOR_SECRET_CONFIG,
              Type.PASSWORD,
              "",
              Importance.MEDIUM,
              "HMAC key that signs page links. Empty: a random key per process (links then die with the process; set it when running replicas).")
          .define(
              RAW_BUNDLE_CONFIG,
              Type.BOOLEAN,
              true,
              Importance.LOW,
              "Stream stored JSON text into search Bundles instead of parsing and re-encoding each resource (JSON responses without _elements).")
          .define(
              LEAN_SEARCH_CONFIG,
              Type.BOOLEAN,
              true,
              Importance.LOW,
              "Answer the plain Observation search (patient, code, date, _sort, _count) in front of HAPI's server, with the same bytes; anything else goes to HAPI. Only with "
                  + RAW_BUNDLE_CONFIG
                  + "=true.")
          .define(
              AUDIT_BOOTSTRAP_CONFIG,
              Type.STRING,
              "127.0.0.1:9092",
              new NonEmptyString(),
              Importance.HIGH,
              "Kafka bootstrap servers for audit events. Any producer setting (TLS, SASL) as "
                  + AUDIT_KAFKA_PREFIX
                  + "<producer key>.")
          .define(
              AUDIT_TOPIC_CONFIG,
              Type.STRING,
              PipelineTopic.Names.AUDIT_EVENT,
              new NonEmptyString(),
              Importance.MEDIUM,
              "Topic of the AuditEvent records (key = request id).")
          .define(
              AUDIT_FAILURE_MODE_CONFIG,
              Type.STRING,
              "closed",
              CaseInsensitiveValidString.in("closed", "open"),
              Importance.MEDIUM,
              "closed: while the audit sink is failing, data requests get 503 and readiness is down; open: requests are served, the failure"
                  + " shows only in readiness and metrics.")
          .define(
              AUDIT_DELIVERY_TIMEOUT_CONFIG,
              Type.INT,
              10_000,
              Range.atLeast(1),
              Importance.LOW,
              "How long an audit event may wait for the broker before it counts as lost and the sink as down.")
          .define(
              BULK_DIR_CONFIG,
              Type.STRING,
              "",
              Importance.MEDIUM,
              "Directory of the bulk $export NDJSON files (one subdirectory per job). Empty: fhirflow-bulk under java.io.tmpdir.")
          .define(
              BULK_FILE_TTL_CONFIG,
              Type.INT,
              3600,
              Range.atLeast(1),
              Importance.LOW,
              "How long a finished $export's files (and its status) stay available; afterwards they are deleted and the status URL answers 404.")
          .define(
              BULK_WORKERS_CONFIG,
              Type.INT,
              1,
              Range.atLeast(1),
              Importance.LOW,
              "Exports run at the same time, each holding one pooled connection for its whole run; later kick-offs wait in the queue.")
          .define(
              BULK_MAX_JOBS_CONFIG,
              Type.INT,
              8,
              Range.atLeast(1),
              Importance.LOW,
              "Unfinished exports (queued or running) accepted at once; a further kick-off gets 429 with Retry-After.")
          .define(
              BULK_FETCH_SIZE_CONFIG,
              Type.INT,
              1000,
              Range.atLeast(1),
              Importance.LOW,
              "Rows fetched per round trip by the export cursor: the export's memory is bounded by this many resources, never the table.")
          .define(
              BULK_STATEMENT_TIMEOUT_CONFIG,
              Type.INT,
              3_600_000,
              Range.atLeast(0),
              Importance.LOW,
              "Statement timeout of an export's snapshot transaction (the read pool's "
                  + DB_STATEMENT_TIMEOUT_CONFIG
                  + " is for short lookups).");

  /**
   * The file-then-environment rule every process follows; here {@code FHIRFLOW_API_HTTP_PORT} →
   * {@code api.http.port}.
   */
  public static final ConfigSources SOURCES =
      new ConfigSources("api", KEY_PREFIX, CONFIG_DEF.names(), List.of(AUDIT_KAFKA_PREFIX));

  /** The variable naming the config file (Main), a launcher's name and never a key. */
  public static final String CONFIG_FILE_ENV = SOURCES.configFileVariable();

  /**
   * The variables of the API's first environment rule ({@code API_HTTP_PORT} for {@code
   * api.http.port}), refused with their new name so that a deployment still setting them fails at
   * start instead of silently running on defaults (a lost cursor secret or database password would
   * show only later).
   */
  static final String LEGACY_ENV_PREFIX = "API_";

  /**
   * @throws ConfigException naming the key when a key is unknown, a required one missing or a value
   *     mistyped or out of range
   */
  public ApiConfig(Map<String, ?> originals) {
    super(CONFIG_DEF, originals, ConfigSources.CONFIG_PROVIDERS, false);
    for (String key : originals.keySet()) {
      if (!SOURCES.isKey(key)) {
        throw new ConfigException(
            key + " is no fhir-api config key; every key: docs/configuration.md");
      }
    }
    if (getInt(DEFAULT_COUNT_CONFIG) > getInt(MAX_COUNT_CONFIG)) {
      throw new ConfigException(
          DEFAULT_COUNT_CONFIG,
          getInt(DEFAULT_COUNT_CONFIG),
          "must not exceed " + MAX_COUNT_CONFIG);
    }
  }

  /** Reads {@code file} (none when null) and overlays the environment ({@link #SOURCES}). */
  public static ApiConfig load(Path file, Map<String, String> env) {
    refuseLegacyVariables(env);
    Map<String, String> merged;
    try {
      merged = SOURCES.load(file, env);
    } catch (IllegalArgumentException e) {
      throw new ConfigException(e.getMessage());
    }
    return new ApiConfig(merged);
  }

  /** Defaults, overridden by {@code overrides}, then by the environment. */
  public static ApiConfig of(Map<String, String> overrides, Map<String, String> env) {
    refuseLegacyVariables(env);
    Map<String, String> merged = new HashMap<>(overrides);
    try {
      merged.putAll(SOURCES.fromEnvironment(env));
    } catch (IllegalArgumentException e) {
      throw new ConfigException(e.getMessage());
    }
    return new ApiConfig(merged);
  }

  private static void refuseLegacyVariables(Map<String, String> env) {
    for (String name : env.keySet()) {
      if (!name.startsWith(LEGACY_ENV_PREFIX)) {
        continue;
      }
      String key = name.toLowerCase(Locale.ROOT).replace('_', '.');
      if (SOURCES.isKey(key)) {
        throw new ConfigException(
            "environment variable "
                + name
                + " is no longer read: set "
                + SOURCES.environmentVariableFor(key)
                + " instead (every process: FHIRFLOW_<PROCESS>_<KEY>, docs/configuration.md)");
      }
    }
  }

  public int port() {
    return getInt(HTTP_PORT_CONFIG);
  }

  public int defaultCount() {
    return getInt(DEFAULT_COUNT_CONFIG);
  }

  public int maxCount() {
    return getInt(MAX_COUNT_CONFIG);
  }

  public Duration clockSkew() {
    return Duration.ofSeconds(getInt(CLOCK_SKEW_CONFIG));
  }

  public boolean rawBundle() {
    return getBoolean(RAW_BUNDLE_CONFIG);
  }

  /** The lean Observation search path, which streams like {@link #rawBundle()} and needs it. */
  public boolean leanSearch() {
    return rawBundle() && getBoolean(LEAN_SEARCH_CONFIG);
  }

  /** True for fail-closed auditing (the validator admits only closed and open). */
  public boolean auditFailClosed() {
    return "closed".equals(getString(AUDIT_FAILURE_MODE_CONFIG).toLowerCase(Locale.ROOT));
  }

  /**
   * True when user/ scopes without a patient claim reach every patient (the validator admits only
   * refuse and all-patients).
   */
  public boolean userScopesForAllPatients() {
    return "all-patients"
        .equals(getString(USER_SCOPES_WITHOUT_PATIENT_CONFIG).toLowerCase(Locale.ROOT));
  }

  /** The value of a PASSWORD key, empty when unset. */
  public String secret(String key) {
    return getPassword(key).value();
  }

  /**
   * Producer properties given under {@code api.audit.kafka.*}, prefix removed, config providers
   * resolved.
   */
  public Map<String, String> auditKafkaPassThrough() {
    Map<String, String> props = new HashMap<>();
    originalsWithPrefix(AUDIT_KAFKA_PREFIX).forEach((k, v) -> props.put(k, String.valueOf(v)));
    return props;
  }

  /**
   * The effective configuration for one log line at start, secrets and URL credentials masked
   * ({@link LoggedConfig}).
   */
  public String describe() {
    Map<String, Object> shown = new HashMap<>(values());
    shown.putAll(originalsWithPrefix(AUDIT_KAFKA_PREFIX, false));
    return LoggedConfig.describe(shown);
  }
}

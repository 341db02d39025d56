package io.fhirflow.api;

import io.fhirflow.contracts.LoggedConfig;
import io.fhirflow.contracts.RedisKeyLayout;
import io.fhirflow.contracts.PipelineTopic;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;

/**
 * The FHIR API's configuration: every key is declared once here with its documentation and default,
 * so docs/fhir-api.md's reference is generated from {@link #KEYS}. Values come from a properties file,
 * then from the environment: key {@code api.http.port} is overridden by {@code API_HTTP_PORT}. Keys
 * under {@code api.audit.kafka.} pass straight through to the audit Kafka producer (TLS/SASL).
 */
public final class ApiConfig {

  /** One declared key. */
  public record Key(String name, String defaultValue, boolean secret, String doc) {
    public String envName() {
      return name.toUpperCase(Locale.ROOT).replace('.', '_');
    }
  }

  private static final List<Key> DECLARED = new ArrayList<>();

  public static final String HTTP_PORT_CONFIG = key("api.http.port", "8080", false,
      "TCP port of the one HTTP listener: FHIR base /fhir, patient metrics /metrics/Patient/{id}, health /health/*, Prometheus /metrics.");
  public static final String HTTP_STOP_TIMEOUT_CONFIG = key("api.http.stop.timeout.ms", "10000", false,
      "On shutdown (SIGTERM): how long requests in flight may run to completion, new connections refused, before the audit events "
      + "still buffered are flushed to Kafka and the process exits. Keep it under the pod's termination grace period.");
  public static final String PUBLIC_BASE_URL_CONFIG = key("api.public.base.url", "", false,
      "Absolute FHIR base URL used in Bundle links (e.g. https://fhir.example.org/fhir). Empty: derived from each request.");
  public static final String DB_URL_CONFIG = key("api.db.url", "jdbc:postgresql://127.0.0.1:5432/fhirflow", false,
      "pgjdbc URL of the sink's database (sslmode etc. pass through; currentSchema selects the schema).");
  public static final String DB_USER_CONFIG = key("api.db.user", "", false,
      "Database user; a read-only role is enough (SELECT on fhir_observation, fhir_patient, fhir_device).");
  public static final String DB_PASSWORD_CONFIG = key("api.db.password", "", true,
      "Database password (from the environment or a mounted file, never committed).");
  public static final String DB_POOL_SIZE_CONFIG = key("api.db.pool.size", "8", false,
      "Maximum JDBC connections (HikariCP). A few per core is the sweet spot for short index lookups.");
  public static final String DB_STATEMENT_TIMEOUT_CONFIG = key("api.db.statement.timeout.ms", "5000", false,
      "Server-side statement timeout per query; a slow query fails with 503 instead of piling up.");
  public static final String REDIS_URL_CONFIG = key("api.redis.url", "redis://127.0.0.1:6379", false,
      "Lettuce URI of the metrics Redis (rediss:// for TLS, credentials in the URI from the environment).");
  public static final String REDIS_KEY_PREFIX_CONFIG = key("api.redis.key.prefix", RedisKeyLayout.DEFAULT_PREFIX, false,
      "Prefix of the metric keys written by the topology (docs/redis-metrics.md).");
  public static final String JWKS_CONFIG = key("api.auth.jwks", "", false,
      "Where the token signing keys are: a JWKS file path or an https:// URL (cached, refreshed on unknown kid). Required.");
  public static final String ISSUER_CONFIG = key("api.auth.issuer", "", false,
      "Required 'iss' of every bearer token. Required.");
  public static final String AUDIENCE_CONFIG = key("api.auth.audience", "", false,
      "Required 'aud' of every bearer token (usually the FHIR base URL). Required.");
  public static final String CLOCK_SKEW_CONFIG = key("api.auth.clock.skew.seconds", "30", false,
      "Tolerance applied to exp/nbf.");
  public static final String USER_SCOPES_WITHOUT_PATIENT_CONFIG = key("api.auth.user.scopes.without.patient", "refuse", false,
      "What a user/ scope grants on a token without a 'patient' claim. refuse: nothing (403), since this server cannot tell which "
      + "patients the user may see; all-patients: every patient, like a system/ scope, for an issuer that grants user/ scopes only to "
      + "users entitled to all of them. A token with a 'patient' claim is confined to that patient either way.");
  public static final String DEFAULT_COUNT_CONFIG = key("api.search.default.count", "100", false,
      "Page size when _count is absent.");
  public static final String MAX_COUNT_CONFIG = key("api.search.max.count", "1000", false,
      "Largest page size; a larger _count is capped to it (FHIR lets a server return fewer).");
  public static final String CURSOR_SECRET_CONFIG = key("api.search.cursor.secret", "", true,
      "HMAC key that signs page links. Empty: a random key per process (links then die with the process; set it when running replicas).");
  public static final String RAW_BUNDLE_CONFIG = key("api.search.raw.bundle", "true", false,
      "Stream stored JSON text into search Bundles instead of parsing and re-encoding each resource (JSON responses without _elements).");
  public static final String AUDIT_BOOTSTRAP_CONFIG = key("api.audit.bootstrap.servers", "127.0.0.1:9092", false,
      "Kafka bootstrap servers for audit events.");
  public static final String AUDIT_TOPIC_CONFIG = key("api.audit.topic", PipelineTopic.Names.AUDIT_EVENT, false,
      "Topic of the AuditEvent records (key = request id).");
  public static final String AUDIT_FAILURE_MODE_CONFIG = key("api.audit.failure.mode", "closed", false,
      "closed: while the audit sink is failing, data requests get 503 and readiness is down; open: requests are served, the failure shows only in readiness and metrics.");
  public static final String AUDIT_DELIVERY_TIMEOUT_CONFIG = key("api.audit.delivery.timeout.ms", "10000", false,
      "How long an audit event may wait for the broker before it counts as lost and the sink as down.");

  public static final String BULK_DIR_CONFIG = key("api.bulk.dir", "", false,
      "Directory of the bulk $export NDJSON files (one subdirectory per job). Empty: fhirflow-bulk under java.io.tmpdir.");
  public static final String BULK_FILE_TTL_CONFIG = key("api.bulk.file.ttl.seconds", "3600", false,
      "How long a finished $export's files (and its status) stay available; afterwards they are deleted and the status URL answers 404.");
  public static final String BULK_WORKERS_CONFIG = key("api.bulk.workers", "1", false,
      "Exports run at the same time, each holding one pooled connection for its whole run; later kick-offs wait in the queue.");
  public static final String BULK_MAX_JOBS_CONFIG = key("api.bulk.max.jobs", "8", false,
      "Unfinished exports (queued or running) accepted at once; a further kick-off gets 429 with Retry-After.");
  public static final String BULK_FETCH_SIZE_CONFIG = key("api.bulk.fetch.size", "1000", false,
      "Rows fetched per round trip by the export cursor: the export's memory is bounded by this many resources, never the table.");
  public static final String BULK_STATEMENT_TIMEOUT_CONFIG = key("api.bulk.statement.timeout.ms", "3600000", false,
      "Statement timeout of an export's snapshot transaction (the read pool's api.db.statement.timeout.ms is for short lookups).");

  public static final List<Key> KEYS = List.copyOf(DECLARED);

  private static String key(String name, String def, boolean secret, String doc) {
    DECLARED.add(new Key(name, def, secret, doc));
    return name;
  }

  private final Map<String, String> values;

  private ApiConfig(Map<String, String> values) {
    this.values = values;
  }

  /** Defaults, overridden by {@code overrides}, then by the environment. */
  public static ApiConfig of(Map<String, String> overrides, Map<String, String> env) {
    Map<String, String> v = new LinkedHashMap<>();
    for (Key k : KEYS) {
      v.put(k.name(), k.defaultValue());
    }
    v.putAll(overrides);
    for (Key k : KEYS) {
      String e = env.get(k.envName());
      if (e != null) {
        v.put(k.name(), e);
      }
    }
    env.forEach((name, value) -> {
      if (name.startsWith("API_AUDIT_KAFKA_")) {
        v.put("api.audit.kafka." + name.substring("API_AUDIT_KAFKA_".length()).toLowerCase(Locale.ROOT).replace('_', '.'), value);
      }
    });
    ApiConfig config = new ApiConfig(v);
    config.validate();
    return config;
  }

  public static ApiConfig load(Path file, Map<String, String> env) {
    Properties p = new Properties();
    try (InputStream in = Files.newInputStream(file)) {
      p.load(in);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read config " + file, e);
    }
    Map<String, String> m = new LinkedHashMap<>();
    p.stringPropertyNames().forEach(n -> m.put(n, p.getProperty(n)));
    return of(m, env);
  }

  private void validate() {
    for (String required : List.of(JWKS_CONFIG, ISSUER_CONFIG, AUDIENCE_CONFIG)) {
      if (string(required).isBlank()) {
        throw new IllegalArgumentException("config " + required + " is required");
      }
    }
    auditFailClosed();
    userScopesForAllPatients();
    if (maxCount() < 1 || defaultCount() < 1 || defaultCount() > maxCount()) {
      throw new IllegalArgumentException("config " + DEFAULT_COUNT_CONFIG + " must be between 1 and " + MAX_COUNT_CONFIG);
    }
  }

  public String string(String key) {
    String v = values.get(key);
    return v == null ? "" : v.trim();
  }

  public int integer(String key) {
    try {
      return Integer.parseInt(string(key));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("config " + key + " must be an integer", e);
    }
  }

  public int port() {
    return integer(HTTP_PORT_CONFIG);
  }

  public int defaultCount() {
    return integer(DEFAULT_COUNT_CONFIG);
  }

  public int maxCount() {
    return integer(MAX_COUNT_CONFIG);
  }

  public Duration clockSkew() {
    return Duration.ofSeconds(integer(CLOCK_SKEW_CONFIG));
  }

  public boolean rawBundle() {
    return Boolean.parseBoolean(string(RAW_BUNDLE_CONFIG));
  }

  /** True for fail-closed auditing; unknown modes are rejected at start. */
  public boolean auditFailClosed() {
    return switch (string(AUDIT_FAILURE_MODE_CONFIG).toLowerCase(Locale.ROOT)) {
      case "closed" -> true;
      case "open" -> false;
      default -> throw new IllegalArgumentException("config " + AUDIT_FAILURE_MODE_CONFIG + " must be closed or open");
    };
  }

  /** True when user/ scopes without a patient claim reach every patient; unknown values are rejected at start. */
  public boolean userScopesForAllPatients() {
    return switch (string(USER_SCOPES_WITHOUT_PATIENT_CONFIG).toLowerCase(Locale.ROOT)) {
      case "refuse" -> false;
      case "all-patients" -> true;
      default -> throw new IllegalArgumentException("config " + USER_SCOPES_WITHOUT_PATIENT_CONFIG + " must be refuse or all-patients");
    };
  }

  /** Producer properties given under {@code api.audit.kafka.*}, prefix removed. */
  public Map<String, String> auditKafkaPassThrough() {
    Map<String, String> m = new LinkedHashMap<>();
    values.forEach((k, v) -> {
      if (k.startsWith("api.audit.kafka.")) {
        m.put(k.substring("api.audit.kafka.".length()), v);
      }
    });
    return m;
  }

  /** The effective configuration for one log line at start, secrets and URL credentials masked ({@link LoggedConfig}). */
  public String describe() {
    StringBuilder sb = new StringBuilder();
    values.forEach((k, v) -> {
      boolean secret = KEYS.stream().anyMatch(d -> d.name().equals(k) && d.secret());
      sb.append(k).append('=').append(secret && !v.isEmpty() ? LoggedConfig.HIDDEN : LoggedConfig.value(k, v)).append(' ');
    });
    return sb.toString().trim();
  }
}

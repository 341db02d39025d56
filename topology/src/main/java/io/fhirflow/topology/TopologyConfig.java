package io.fhirflow.topology;

import io.fhirflow.contracts.ConfigSources;
import io.fhirflow.contracts.LoggedConfig;
import io.fhirflow.contracts.PipelineTopic;
import io.fhirflow.contracts.RedisKeyLayout;
import io.fhirflow.mapping.MappingCatalogue;
import io.fhirflow.mapping.SummaryCatalogue;
import io.fhirflow.topology.deadletter.DeadLetterOnProcessingError;
import io.fhirflow.topology.deadletter.FailOnProductionError;
import io.fhirflow.topology.ops.FlowCounters;
import io.fhirflow.topology.summary.SummarySettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.types.Password;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.LogAndFailExceptionHandler;
import org.apache.kafka.streams.processor.UsePartitionTimeOnInvalidTimestamp;

/**
 * Every setting of the topology process, typed and documented in one {@link ConfigDef}.
 *
 * <p>Sources, later wins: the properties file ({@code config/topology.properties}), then
 * environment variables. A declared key {@code a.b.c} is overridden by {@code
 * FHIRFLOW_TOPOLOGY_A_B_C}; any Kafka client or Streams key is passed through with the prefix
 * {@code kafka.} (file) or {@code KAFKA_} (environment: {@code KAFKA_SECURITY_PROTOCOL} becomes
 * {@code kafka.security.protocol}). Secrets never sit in the file: reference them with Kafka's
 * config providers, {@code ${env:VAR}}, {@code ${file:/path/file.properties:key}} or {@code
 * ${dir:/run/secrets:name}}, resolved here for every key.
 */
public final class TopologyConfig extends AbstractConfig {

  public static final String KAFKA_PREFIX = "kafka.";
  public static final String KAFKA_ENV_PREFIX = "KAFKA_";

  public static final String APPLICATION_ID_CONFIG = "application.id";
  public static final String APPLICATION_ID_DOC =
      "Kafka Streams application id: consumer group, transactional id prefix and internal topic prefix.";
  public static final String APPLICATION_ID_DEFAULT = "fhirflow-topology";

  public static final String BOOTSTRAP_SERVERS_CONFIG = "bootstrap.servers";
  public static final String BOOTSTRAP_SERVERS_DOC = "Kafka bootstrap servers, comma separated.";
  public static final String BOOTSTRAP_SERVERS_DEFAULT = "127.0.0.1:9092";

  public static final String NUM_STREAM_THREADS_CONFIG = "num.stream.threads";
  public static final String NUM_STREAM_THREADS_DOC =
      "Stream threads in this process; more than the cores rarely helps.";
  public static final int NUM_STREAM_THREADS_DEFAULT = 2;

  public static final String STATE_DIR_CONFIG = "state.dir";
  public static final String STATE_DIR_DOC =
      "Directory of the RocksDB state stores; on a persistent volume in production so a restart does not restore from the changelog.";
  public static final String STATE_DIR_DEFAULT = ".work/topology-state";

  public static final String SCHEMA_REGISTRY_URL_CONFIG = "schema.registry.url";
  public static final String SCHEMA_REGISTRY_URL_DOC =
      "Confluent-compatible Schema Registry URL; mock://<scope> selects the in-memory registry (tests).";
  public static final String SCHEMA_REGISTRY_URL_DEFAULT = "http://127.0.0.1:8081";

  public static final String SCHEMA_REGISTRY_USER_INFO_CONFIG =
      "schema.registry.basic.auth.user.info";
  public static final String SCHEMA_REGISTRY_USER_INFO_DOC =
      "user:password for the registry's basic auth (a secret: give it as ${env:VAR} or ${file:...}); empty = no auth.";

  public static final String TOPIC_RAW_CONFIG = "topic.raw";
  public static final String TOPIC_RAW_DOC =
      "Input topic of raw wearable samples (key user id, Avro value).";

  public static final String TOPIC_OBSERVATION_CONFIG = "topic.observation";
  public static final String TOPIC_OBSERVATION_DOC =
      "Output topic of FHIR R4 Observation JSON (key patient id).";

  public static final String TOPIC_PATIENT_CONFIG = "topic.patient";
  public static final String TOPIC_PATIENT_DOC =
      "Output topic of FHIR R4 Patient JSON (key resource id, compacted).";

  public static final String TOPIC_DEVICE_CONFIG = "topic.device";
  public static final String TOPIC_DEVICE_DOC =
      "Output topic of FHIR R4 Device JSON (key resource id, compacted).";

  public static final String TOPIC_DLQ_CONFIG = "topic.dlq";
  public static final String TOPIC_DLQ_DOC =
      "Dead-letter topic: original key and value bytes with dlq.* headers (stage, reason, source coordinates).";

  public static final String TOPIC_ERASURE_CONFIG = "topic.erasure";
  public static final String TOPIC_ERASURE_DOC =
      "Input topic of erasure requests (key user id, JSON value); must have as many partitions as topic.raw.";

  public static final String TOPIC_AUDIT_CONFIG = "topic.audit";
  public static final String TOPIC_AUDIT_DOC =
      "Output topic of FHIR R4 AuditEvent JSON (key event id): one event per erasure carried out.";

  public static final String RECORD_MAX_BYTES_CONFIG = "record.max.bytes";
  public static final String RECORD_MAX_BYTES_DOC =
      "Largest raw value accepted; bigger records are dead-lettered with reason OVERSIZED before decoding.";
  public static final int RECORD_MAX_BYTES_DEFAULT = 1024 * 1024;

  public static final String DEDUPE_RETENTION_MS_CONFIG = "dedupe.retention.ms";
  public static final String DEDUPE_RETENTION_MS_DOC =
      "How long a sample id is remembered after it was last seen (ingest time, not measurement time).";
  public static final long DEDUPE_RETENTION_MS_DEFAULT = Duration.ofHours(48).toMillis();

  public static final String VALIDATE_FUTURE_MARGIN_MS_CONFIG = "validate.future.margin.ms";
  public static final String VALIDATE_FUTURE_MARGIN_MS_DOC =
      "How far after its ingest time (the raw record's timestamp, never later than the wall clock) a sample may"
          + " start (or have a series point) or have been last modified: phone clock skew. Later samples are dead-lettered with reason"
          + " FUTURE_TIME or FUTURE_LAST_MODIFIED, so none can pin a patient's latest value or outrank real updates.";
  public static final long VALIDATE_FUTURE_MARGIN_MS_DEFAULT = Duration.ofMinutes(5).toMillis();

  public static final String EXPIRY_SWEEP_INTERVAL_MS_CONFIG = "expiry.sweep.interval.ms";
  public static final String EXPIRY_SWEEP_INTERVAL_MS_DOC =
      "Wall-clock interval between two expiry sweeps of the dedupe and metrics stores.";
  public static final long EXPIRY_SWEEP_INTERVAL_MS_DEFAULT = 10_000L;

  public static final String EXPIRY_SWEEP_MAX_ENTRIES_CONFIG = "expiry.sweep.max.entries";
  public static final String EXPIRY_SWEEP_MAX_ENTRIES_DOC =
      "Entries one sweep examines per store before yielding to processing (bounds the pause it causes).";
  public static final int EXPIRY_SWEEP_MAX_ENTRIES_DEFAULT = 20_000;

  public static final String MAPPING_CATALOGUE_PATH_CONFIG = "mapping.catalogue.path";
  public static final String MAPPING_CATALOGUE_PATH_DOC =
      "Path of a mapping catalogue file; empty = the catalogue built into fhirflow-mapping.";

  public static final String SUMMARIES_ENABLED_CONFIG = "summaries.enabled";
  public static final String SUMMARIES_ENABLED_DOC =
      "Keep hourly, daily and nightly summary Observations per patient and write them to the Observation topic "
          + "(docs/summaries.md). Off by default: the topic then carries Observations no sample produced, and two "
          + "more stores per instance.";

  public static final String SUMMARIES_CATALOGUE_PATH_CONFIG = "summaries.catalogue.path";
  public static final String SUMMARIES_CATALOGUE_PATH_DOC =
      "Path of a summaries.tsv file (docs/summaries.md); empty = the summaries built into fhirflow-mapping.";

  public static final String SUMMARIES_GRACE_MS_CONFIG = "summaries.grace.ms";
  public static final String SUMMARIES_GRACE_MS_DOC =
      "How long after its period ends a summary's first version (status final) is written; later changes are "
          + "written as amended versions.";
  public static final long SUMMARIES_GRACE_MS_DEFAULT = 3_600_000L;

  public static final String SUMMARIES_EMIT_INTERVAL_MS_CONFIG = "summaries.emit.interval.ms";
  public static final String SUMMARIES_EMIT_INTERVAL_MS_DOC =
      "Wall-clock interval at which due summaries are computed and written; changes within one interval give one version.";
  public static final long SUMMARIES_EMIT_INTERVAL_MS_DEFAULT = 10_000L;

  public static final String SUMMARIES_RETENTION_DAYS_CONFIG = "summaries.retention.days";
  public static final String SUMMARIES_RETENTION_DAYS_DOC =
      "Local days back that late, updated or deleted samples still correct a summary; older state is swept.";
  public static final int SUMMARIES_RETENTION_DAYS_DEFAULT = 35;

  public static final String SUMMARIES_EMIT_MAX_PER_TICK_CONFIG = "summaries.emit.max.per.tick";
  public static final String SUMMARIES_EMIT_MAX_PER_TICK_DOC =
      "Most summaries computed per emit interval and task (bounds the pause; the rest wait for the next).";
  public static final int SUMMARIES_EMIT_MAX_PER_TICK_DEFAULT = 2_000;

  public static final String METRICS_ENABLED_CONFIG = "metrics.enabled";
  public static final String METRICS_ENABLED_DOC = "Keep the per-patient Redis metrics view.";

  public static final String METRICS_REDIS_URL_CONFIG = "metrics.redis.url";
  public static final String METRICS_REDIS_URL_DOC =
      "Redis URI (Lettuce syntax, rediss:// for TLS); a secret when it carries a password.";
  public static final String METRICS_REDIS_URL_DEFAULT = "redis://127.0.0.1:6379";

  public static final String METRICS_KEY_PREFIX_CONFIG = "metrics.redis.key.prefix";
  public static final String METRICS_KEY_PREFIX_DOC =
      "Prefix of every Redis key written (see docs/redis-metrics.md).";
  public static final String METRICS_KEY_PREFIX_DEFAULT = RedisKeyLayout.DEFAULT_PREFIX;

  public static final String METRICS_DAY_RETENTION_DAYS_CONFIG = "metrics.day.retention.days";
  public static final String METRICS_DAY_RETENTION_DAYS_DOC =
      "Local days kept in state and Redis; samples of older days still become FHIR but do not change the view. Covers 30-day back-fill by default.";
  public static final int METRICS_DAY_RETENTION_DAYS_DEFAULT = 35;

  public static final String METRICS_FLUSH_INTERVAL_MS_CONFIG = "metrics.flush.interval.ms";
  public static final String METRICS_FLUSH_INTERVAL_MS_DOC =
      "Wall-clock interval at which changed metric values are handed to the Redis writer as one pipelined batch.";
  public static final long METRICS_FLUSH_INTERVAL_MS_DEFAULT = 1_000L;

  public static final String METRICS_QUEUE_BATCHES_CONFIG = "metrics.redis.queue.batches";
  public static final String METRICS_QUEUE_BATCHES_DOC =
      "Batches waiting for Redis before new ones are dropped (the next write of a value heals it).";
  public static final int METRICS_QUEUE_BATCHES_DEFAULT = 8;

  public static final String METRICS_REDIS_HEAL_CHECK_MS_CONFIG = "metrics.redis.heal.check.ms";
  public static final String METRICS_REDIS_HEAL_CHECK_MS_DOC =
      "How often the Redis writer checks its marker key: when batches were dropped or failed, or Redis lost its data"
          + " (marker gone: FLUSHALL, restart without persistence, failover), and Redis answers again, every task rewrites"
          + " its latest values and day aggregates from the Streams state, without waiting for new samples.";
  public static final long METRICS_REDIS_HEAL_CHECK_MS_DEFAULT = 5_000L;

  public static final String HEALTH_STALL_MS_CONFIG = "health.stall.ms";
  public static final String HEALTH_STALL_MS_DOC =
      "A task that has work (a record processed but not committed) and whose committed offset has not moved for this long"
          + " is stalled (a record retried forever); so are stream threads that died 3 times within it. While stalled,"
          + " /health/ready answers 503.";
  public static final long HEALTH_STALL_MS_DEFAULT = 60_000L;

  public static final String HEALTH_LIVENESS_GRACE_MS_CONFIG = "health.liveness.grace.ms";
  public static final String HEALTH_LIVENESS_GRACE_MS_DOC =
      "How long the instance may stay stalled (see health.stall.ms) before /health/live answers 503, so Kubernetes restarts it.";
  public static final long HEALTH_LIVENESS_GRACE_MS_DEFAULT = 240_000L;

  public static final String METRICS_REDIS_TIMEOUT_MS_CONFIG = "metrics.redis.timeout.ms";
  public static final String METRICS_REDIS_TIMEOUT_MS_DOC = "Timeout of one pipelined Redis batch.";
  public static final long METRICS_REDIS_TIMEOUT_MS_DEFAULT = 2_000L;

  public static final String HTTP_PORT_CONFIG = "http.port";
  public static final String HTTP_PORT_DOC =
      "Port of /health/live, /health/ready and /metrics (Prometheus); 0 picks a free port.";
  public static final int HTTP_PORT_DEFAULT = 8091;

  public static final String SHUTDOWN_TIMEOUT_MS_CONFIG = "shutdown.timeout.ms";
  public static final String SHUTDOWN_TIMEOUT_MS_DOC =
      "How long a graceful close may take before the process exits.";
  public static final long SHUTDOWN_TIMEOUT_MS_DEFAULT = 30_000L;

  public static final String SHUTDOWN_LEAVE_GROUP_CONFIG = "shutdown.leave.group";
  public static final String SHUTDOWN_LEAVE_GROUP_DOC =
      "Whether a graceful close (SIGTERM) leaves the consumer group, so the other instances take over this"
          + " instance's tasks at once. Set it where a stopped instance does not come back: a scale-in, an"
          + " instance started for a burst. Leave it false for a static member (kafka.group.instance.id) that a"
          + " rolling restart brings back within the session timeout: it then gets its tasks back without a"
          + " rebalance, but if it never comes back its partitions stall until kafka.session.timeout.ms"
          + " (45 s by default) runs out.";
  public static final boolean SHUTDOWN_LEAVE_GROUP_DEFAULT = false;

  public static final ConfigDef CONFIG_DEF =
      new ConfigDef()
          .define(
              APPLICATION_ID_CONFIG,
              Type.STRING,
              APPLICATION_ID_DEFAULT,
              new ConfigDef.NonEmptyString(),
              Importance.HIGH,
              APPLICATION_ID_DOC)
          .define(
              BOOTSTRAP_SERVERS_CONFIG,
              Type.STRING,
              BOOTSTRAP_SERVERS_DEFAULT,
              new ConfigDef.NonEmptyString(),
              Importance.HIGH,
              BOOTSTRAP_SERVERS_DOC)
          .define(
              NUM_STREAM_THREADS_CONFIG,
              Type.INT,
              NUM_STREAM_THREADS_DEFAULT,
              Range.atLeast(1),
              Importance.MEDIUM,
              NUM_STREAM_THREADS_DOC)
          .define(STATE_DIR_CONFIG, Type.STRING, STATE_DIR_DEFAULT, Importance.HIGH, STATE_DIR_DOC)
          .define(
              SCHEMA_REGISTRY_URL_CONFIG,
              Type.STRING,
              SCHEMA_REGISTRY_URL_DEFAULT,
              new ConfigDef.NonEmptyString(),
              Importance.HIGH,
              SCHEMA_REGISTRY_URL_DOC)
          .define(
              SCHEMA_REGISTRY_USER_INFO_CONFIG,
              Type.PASSWORD,
              "",
              Importance.MEDIUM,
              SCHEMA_REGISTRY_USER_INFO_DOC)
          .define(
              TOPIC_RAW_CONFIG,
              Type.STRING,
              PipelineTopic.RAW.defaultName(),
              new ConfigDef.NonEmptyString(),
              Importance.HIGH,
              TOPIC_RAW_DOC)
          .define(
              TOPIC_OBSERVATION_CONFIG,
              Type.STRING,
              PipelineTopic.OBSERVATION.defaultName(),
              new ConfigDef.NonEmptyString(),
              Importance.HIGH,
              TOPIC_OBSERVATION_DOC)
          .define(
              TOPIC_PATIENT_CONFIG,
              Type.STRING,
              PipelineTopic.PATIENT.defaultName(),
              new ConfigDef.NonEmptyString(),
              Importance.HIGH,
              TOPIC_PATIENT_DOC)
          .define(
              TOPIC_DEVICE_CONFIG,
              Type.STRING,
              PipelineTopic.DEVICE.defaultName(),
              new ConfigDef.NonEmptyString(),
              Importance.HIGH,
              TOPIC_DEVICE_DOC)
          .define(
              TOPIC_DLQ_CONFIG,
              Type.STRING,
              PipelineTopic.RAW_DEAD_LETTER.defaultName(),
              new ConfigDef.NonEmptyString(),
              Importance.HIGH,
              TOPIC_DLQ_DOC)
          .define(
              TOPIC_ERASURE_CONFIG,
              Type.STRING,
              PipelineTopic.ERASURE.defaultName(),
              new ConfigDef.NonEmptyString(),
              Importance.HIGH,
              TOPIC_ERASURE_DOC)
          .define(
              TOPIC_AUDIT_CONFIG,
              Type.STRING,
              PipelineTopic.AUDIT_EVENT.defaultName(),
              new ConfigDef.NonEmptyString(),
              Importance.MEDIUM,
              TOPIC_AUDIT_DOC)
          .define(
              RECORD_MAX_BYTES_CONFIG,
              Type.INT,
              RECORD_MAX_BYTES_DEFAULT,
              Range.atLeast(1024),
              Importance.MEDIUM,
              RECORD_MAX_BYTES_DOC)
          .define(
              DEDUPE_RETENTION_MS_CONFIG,
              Type.LONG,
              DEDUPE_RETENTION_MS_DEFAULT,
              Range.atLeast(60_000L),
              Importance.HIGH,
              DEDUPE_RETENTION_MS_DOC)
          .define(
              VALIDATE_FUTURE_MARGIN_MS_CONFIG,
              Type.LONG,
              VALIDATE_FUTURE_MARGIN_MS_DEFAULT,
              Range.atLeast(0L),
              Importance.MEDIUM,
              VALIDATE_FUTURE_MARGIN_MS_DOC)
          .define(
              EXPIRY_SWEEP_INTERVAL_MS_CONFIG,
              Type.LONG,
              EXPIRY_SWEEP_INTERVAL_MS_DEFAULT,
              Range.atLeast(100L),
              Importance.LOW,
              EXPIRY_SWEEP_INTERVAL_MS_DOC)
          .define(
              EXPIRY_SWEEP_MAX_ENTRIES_CONFIG,
              Type.INT,
              EXPIRY_SWEEP_MAX_ENTRIES_DEFAULT,
              Range.atLeast(1),
              Importance.LOW,
              EXPIRY_SWEEP_MAX_ENTRIES_DOC)
          .define(
              MAPPING_CATALOGUE_PATH_CONFIG,
              Type.STRING,
              "",
              Importance.MEDIUM,
              MAPPING_CATALOGUE_PATH_DOC)
          .define(
              METRICS_ENABLED_CONFIG, Type.BOOLEAN, true, Importance.MEDIUM, METRICS_ENABLED_DOC)
          .define(
              SUMMARIES_ENABLED_CONFIG,
              Type.BOOLEAN,
              false,
              Importance.MEDIUM,
              SUMMARIES_ENABLED_DOC)
          .define(
              SUMMARIES_CATALOGUE_PATH_CONFIG,
              Type.STRING,
              "",
              Importance.LOW,
              SUMMARIES_CATALOGUE_PATH_DOC)
          .define(
              SUMMARIES_GRACE_MS_CONFIG,
              Type.LONG,
              SUMMARIES_GRACE_MS_DEFAULT,
              Range.atLeast(0L),
              Importance.MEDIUM,
              SUMMARIES_GRACE_MS_DOC)
          .define(
              SUMMARIES_EMIT_INTERVAL_MS_CONFIG,
              Type.LONG,
              SUMMARIES_EMIT_INTERVAL_MS_DEFAULT,
              Range.atLeast(100L),
              Importance.LOW,
              SUMMARIES_EMIT_INTERVAL_MS_DOC)
          .define(
              SUMMARIES_RETENTION_DAYS_CONFIG,
              Type.INT,
              SUMMARIES_RETENTION_DAYS_DEFAULT,
              Range.between(1, 3660),
              Importance.MEDIUM,
              SUMMARIES_RETENTION_DAYS_DOC)
          .define(
              SUMMARIES_EMIT_MAX_PER_TICK_CONFIG,
              Type.INT,
              SUMMARIES_EMIT_MAX_PER_TICK_DEFAULT,
              Range.atLeast(1),
              Importance.LOW,
              SUMMARIES_EMIT_MAX_PER_TICK_DOC)
          .define(
              METRICS_REDIS_URL_CONFIG,
              Type.PASSWORD,
              METRICS_REDIS_URL_DEFAULT,
              Importance.HIGH,
              METRICS_REDIS_URL_DOC)
          .define(
              METRICS_KEY_PREFIX_CONFIG,
              Type.STRING,
              METRICS_KEY_PREFIX_DEFAULT,
              new ConfigDef.NonEmptyString(),
              Importance.MEDIUM,
              METRICS_KEY_PREFIX_DOC)
          .define(
              METRICS_DAY_RETENTION_DAYS_CONFIG,
              Type.INT,
              METRICS_DAY_RETENTION_DAYS_DEFAULT,
              Range.between(1, 3660),
              Importance.MEDIUM,
              METRICS_DAY_RETENTION_DAYS_DOC)
          .define(
              METRICS_FLUSH_INTERVAL_MS_CONFIG,
              Type.LONG,
              METRICS_FLUSH_INTERVAL_MS_DEFAULT,
              Range.atLeast(10L),
              Importance.LOW,
              METRICS_FLUSH_INTERVAL_MS_DOC)
          .define(
              METRICS_QUEUE_BATCHES_CONFIG,
              Type.INT,
              METRICS_QUEUE_BATCHES_DEFAULT,
              Range.atLeast(1),
              Importance.LOW,
              METRICS_QUEUE_BATCHES_DOC)
          .define(
              METRICS_REDIS_HEAL_CHECK_MS_CONFIG,
              Type.LONG,
              METRICS_REDIS_HEAL_CHECK_MS_DEFAULT,
              Range.atLeast(100L),
              Importance.LOW,
              METRICS_REDIS_HEAL_CHECK_MS_DOC)
          .define(
              METRICS_REDIS_TIMEOUT_MS_CONFIG,
              Type.LONG,
              METRICS_REDIS_TIMEOUT_MS_DEFAULT,
              Range.atLeast(10L),
              Importance.LOW,
              METRICS_REDIS_TIMEOUT_MS_DOC)
          .define(
              HEALTH_STALL_MS_CONFIG,
              Type.LONG,
              HEALTH_STALL_MS_DEFAULT,
              Range.atLeast(1_000L),
              Importance.MEDIUM,
              HEALTH_STALL_MS_DOC)
          .define(
              HEALTH_LIVENESS_GRACE_MS_CONFIG,
              Type.LONG,
              HEALTH_LIVENESS_GRACE_MS_DEFAULT,
              Range.atLeast(0L),
              Importance.MEDIUM,
              HEALTH_LIVENESS_GRACE_MS_DOC)
          .define(
              HTTP_PORT_CONFIG,
              Type.INT,
              HTTP_PORT_DEFAULT,
              Range.between(0, 65535),
              Importance.MEDIUM,
              HTTP_PORT_DOC)
          .define(
              SHUTDOWN_TIMEOUT_MS_CONFIG,
              Type.LONG,
              SHUTDOWN_TIMEOUT_MS_DEFAULT,
              Range.atLeast(0L),
              Importance.LOW,
              SHUTDOWN_TIMEOUT_MS_DOC)
          .define(
              SHUTDOWN_LEAVE_GROUP_CONFIG,
              Type.BOOLEAN,
              SHUTDOWN_LEAVE_GROUP_DEFAULT,
              Importance.MEDIUM,
              SHUTDOWN_LEAVE_GROUP_DOC);

  /**
   * The file-then-environment rule every process follows; here {@code FHIRFLOW_TOPOLOGY_A_B_C} →
   * {@code a.b.c}.
   */
  public static final ConfigSources SOURCES =
      new ConfigSources("topology", "", CONFIG_DEF.names(), java.util.List.of(KAFKA_PREFIX));

  /** The variable naming the config file (Main), a launcher's name and never a key. */
  public static final String CONFIG_FILE_ENV = SOURCES.configFileVariable();

  public static final String ENV_PREFIX = SOURCES.environmentPrefix();

  /**
   * Kafka Streams keys fhirflow sets itself and a {@code kafka.*} key may not: each chooses how a
   * failed record is handled, and a different choice (a log-and-continue handler, at-least-once)
   * could drop or double records. They are refused at start rather than silently overridden, so an
   * operator who set one learns it has no effect.
   */
  static final java.util.Set<String> PINNED_STREAMS_KEYS =
      java.util.Set.of(
          StreamsConfig.PROCESSING_GUARANTEE_CONFIG,
          StreamsConfig.PROCESSING_EXCEPTION_HANDLER_CLASS_CONFIG,
          StreamsConfig.PRODUCTION_EXCEPTION_HANDLER_CLASS_CONFIG,
          StreamsConfig.DEFAULT_PRODUCTION_EXCEPTION_HANDLER_CLASS_CONFIG,
          StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG,
          StreamsConfig.DEFAULT_DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG,
          StreamsConfig.ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG);

  public TopologyConfig(Map<String, ?> originals) {
    super(CONFIG_DEF, originals, ConfigSources.CONFIG_PROVIDERS, false);
    for (String key : originalsWithPrefix(KAFKA_PREFIX, true).keySet()) {
      if (PINNED_STREAMS_KEYS.contains(key)) {
        throw new ConfigException(
            KAFKA_PREFIX
                + key
                + " cannot be set: fhirflow pins "
                + key
                + " (exactly_once_v2, faults fail the stream thread, bad data goes to "
                + TOPIC_DLQ_CONFIG
                + "), so no setting can drop or double a record; remove it");
      }
    }
  }

  /**
   * Reads the properties file (if it exists) and overlays the environment ({@link #SOURCES}; the
   * Kafka pass-through also as {@code KAFKA_X_Y} → {@code kafka.x.y}).
   *
   * @throws ConfigException naming the key when a key is unknown, or a value missing, mistyped or
   *     out of range
   */
  public static TopologyConfig load(Path file, Map<String, String> env) {
    Map<String, Object> merged = new HashMap<>();
    try {
      merged.putAll(SOURCES.fromFile(file != null && Files.exists(file) ? file : null));
      merged.putAll(kafkaFromEnvironment(env));
      merged.putAll(SOURCES.fromEnvironment(env));
    } catch (IllegalArgumentException e) {
      throw new ConfigException(e.getMessage());
    }
    return new TopologyConfig(merged);
  }

  /** {@code KAFKA_X_Y} → {@code kafka.x.y}: the Kafka pass-through's short environment form. */
  static Map<String, String> kafkaFromEnvironment(Map<String, String> env) {
    Map<String, String> keys = new TreeMap<>();
    env.forEach(
        (name, value) -> {
          if (name.startsWith(KAFKA_ENV_PREFIX) && name.length() > KAFKA_ENV_PREFIX.length()) {
            keys.put(
                KAFKA_PREFIX
                    + name.substring(KAFKA_ENV_PREFIX.length())
                        .toLowerCase(Locale.ROOT)
                        .replace('_', '.'),
                value);
          }
        });
    return keys;
  }

  /** The environment variable that overrides a declared key. */
  public static String environmentVariableFor(String key) {
    return SOURCES.environmentVariableFor(key);
  }

  public Topics topics() {
    return new Topics(
        getString(TOPIC_RAW_CONFIG),
        getString(TOPIC_OBSERVATION_CONFIG),
        getString(TOPIC_PATIENT_CONFIG),
        getString(TOPIC_DEVICE_CONFIG),
        getString(TOPIC_DLQ_CONFIG),
        getString(TOPIC_ERASURE_CONFIG),
        getString(TOPIC_AUDIT_CONFIG));
  }

  public TopologySettings settings() {
    return new TopologySettings(
        getInt(RECORD_MAX_BYTES_CONFIG),
        Duration.ofMillis(getLong(DEDUPE_RETENTION_MS_CONFIG)),
        Duration.ofMillis(getLong(EXPIRY_SWEEP_INTERVAL_MS_CONFIG)),
        getInt(EXPIRY_SWEEP_MAX_ENTRIES_CONFIG),
        getBoolean(METRICS_ENABLED_CONFIG),
        getInt(METRICS_DAY_RETENTION_DAYS_CONFIG),
        Duration.ofMillis(getLong(METRICS_FLUSH_INTERVAL_MS_CONFIG)),
        getString(METRICS_KEY_PREFIX_CONFIG),
        Duration.ofMillis(getLong(VALIDATE_FUTURE_MARGIN_MS_CONFIG)),
        sendMaxBytes(originalsWithPrefix(KAFKA_PREFIX)),
        summarySettings());
  }

  /**
   * The summaries branch's settings; the summary catalogue is loaded and checked here, so a bad one
   * fails the start.
   */
  SummarySettings summarySettings() {
    if (!getBoolean(SUMMARIES_ENABLED_CONFIG)) {
      return SummarySettings.disabled();
    }
    String mappingPath = getString(MAPPING_CATALOGUE_PATH_CONFIG);
    MappingCatalogue mapping =
        mappingPath.isEmpty()
            ? MappingCatalogue.builtIn()
            : MappingCatalogue.load(java.nio.file.Path.of(mappingPath));
    String path = getString(SUMMARIES_CATALOGUE_PATH_CONFIG);
    SummaryCatalogue catalogue =
        path.isEmpty()
            ? SummaryCatalogue.builtIn(mapping)
            : SummaryCatalogue.load(java.nio.file.Path.of(path), mapping);
    return new SummarySettings(
        true,
        catalogue,
        Duration.ofMillis(getLong(SUMMARIES_GRACE_MS_CONFIG)),
        Duration.ofMillis(getLong(SUMMARIES_EMIT_INTERVAL_MS_CONFIG)),
        getInt(SUMMARIES_RETENTION_DAYS_CONFIG),
        getInt(SUMMARIES_EMIT_MAX_PER_TICK_CONFIG));
  }

  /**
   * Room left in a produce request for batch and record framing: what we count is key, value and
   * headers.
   */
  static final int SEND_HEADROOM_BYTES = 1024;

  /**
   * The largest record the topology's producer will send, from the Streams properties (or their
   * {@code kafka.*} originals): {@code producer.max.request.size}, else {@code max.request.size},
   * else the producer's default, less {@link #SEND_HEADROOM_BYTES}.
   */
  public static int sendMaxBytes(Map<String, ?> streamsProperties) {
    Object v =
        streamsProperties.get(StreamsConfig.producerPrefix(ProducerConfig.MAX_REQUEST_SIZE_CONFIG));
    if (v == null) {
      v = streamsProperties.get(ProducerConfig.MAX_REQUEST_SIZE_CONFIG);
    }
    int max = v == null ? 1024 * 1024 : Integer.parseInt(v.toString().trim());
    return Math.max(SEND_HEADROOM_BYTES, max - SEND_HEADROOM_BYTES);
  }

  public Password redisUrl() {
    return getPassword(METRICS_REDIS_URL_CONFIG);
  }

  /** Serde settings in the Confluent key names the serde understands. */
  public Map<String, Object> serdeConfig() {
    Map<String, Object> serde = new HashMap<>();
    serde.put("schema.registry.url", getString(SCHEMA_REGISTRY_URL_CONFIG));
    String userInfo = getPassword(SCHEMA_REGISTRY_USER_INFO_CONFIG).value();
    if (!userInfo.isEmpty()) {
      serde.put("basic.auth.credentials.source", "USER_INFO");
      serde.put("basic.auth.user.info", userInfo);
    }
    return serde;
  }

  /**
   * Kafka Streams' commit interval under exactly_once_v2 when {@code kafka.commit.interval.ms} is
   * not set.
   */
  static final long EOS_COMMIT_INTERVAL_MS = 100;

  /**
   * Producer batch size: a commit interval's output to one partition fits in one batch even while
   * the producer's lz4 estimate for the Observation topic is inflated (below), so a transaction is
   * flushed in few requests. 256 KiB did not: at 4 partitions with 1 % deletions it cut each
   * transaction into ~2.5 x the requests (BENCHMARKS.md, "With 1 % deletions").
   */
  static final int PRODUCER_BATCH_BYTES = 512 * 1024;

  /**
   * Producer memory per stream thread. A producer takes a whole {@code batch.size} for every
   * partition it holds an open batch for, and a thread writes its tasks' output and changelog
   * partitions in every transaction (~80 at 12 raw partitions and 2 threads): 64 MiB holds 128 open
   * batches of 512 KiB where Kafka's 32 MiB held 64. When it is used up, a send waits until batches
   * go out (960 KiB batches in 32 MiB stalled a 12-partition topology for good; 512 KiB in 64 MiB
   * ran at 4, 12 and 24 partitions). It is heap: size -Xmx for threads x this.
   */
  static final long PRODUCER_BUFFER_BYTES = 64L * 1024 * 1024;

  /**
   * Lower bound of the producer's linger: longer than a transaction lasts, so a batch leaves when
   * it is full or when the commit flushes it, never for its age halfway through a transaction.
   */
  static final long PRODUCER_MIN_LINGER_MS = 10_000;

  /**
   * Streams properties: our defaults, the declared Kafka keys, then every {@code kafka.*}
   * pass-through; exactly_once_v2 and the error handlers are not overridable because the output's
   * guarantees depend on them ({@link #PINNED_STREAMS_KEYS}, refused at start).
   */
  public Properties streamsProperties(FlowCounters counters) {
    Properties p = new Properties();
    p.put(StreamsConfig.APPLICATION_ID_CONFIG, getString(APPLICATION_ID_CONFIG));
    p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, getString(BOOTSTRAP_SERVERS_CONFIG));
    p.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, getInt(NUM_STREAM_THREADS_CONFIG));
    p.put(StreamsConfig.STATE_DIR_CONFIG, getString(STATE_DIR_CONFIG));
    // A record with a broken timestamp still flows (and is dead-lettered if it is bad), never stops
    // a thread.
    p.put(
        StreamsConfig.DEFAULT_TIMESTAMP_EXTRACTOR_CLASS_CONFIG,
        UsePartitionTimeOnInvalidTimestamp.class);
    p.putAll(originalsWithPrefix(KAFKA_PREFIX));
    // After the pass-through, and only where it is silent: Kafka Streams lets a producer.-prefixed
    // key
    // win over the plain one, so a prefixed default set first would shadow a user's kafka.<key>.
    producerDefaults(
            p.getOrDefault(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, EOS_COMMIT_INTERVAL_MS))
        .forEach(
            (key, value) -> {
              if (!p.containsKey(key) && !p.containsKey(StreamsConfig.producerPrefix(key))) {
                p.put(StreamsConfig.producerPrefix(key), value);
              }
            });
    p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
    p.put(
        StreamsConfig.PROCESSING_EXCEPTION_HANDLER_CLASS_CONFIG, DeadLetterOnProcessingError.class);
    // A record that cannot be written fails the thread (and is retried); it is never skipped. The
    // source reads bytes, so deserialization cannot fail; should it, the thread fails too.
    p.put(StreamsConfig.PRODUCTION_EXCEPTION_HANDLER_CLASS_CONFIG, FailOnProductionError.class);
    p.put(
        StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG,
        LogAndFailExceptionHandler.class);
    p.put(StreamsConfig.ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG, getString(TOPIC_DLQ_CONFIG));
    p.put(DeadLetterOnProcessingError.RAW_TOPIC_CONFIG, getString(TOPIC_RAW_CONFIG));
    if (counters != null) {
      p.put(DeadLetterOnProcessingError.COUNTERS_CONFIG, counters);
    }
    return p;
  }

  /**
   * The topology's producer settings where a {@code kafka.*} key does not set them (public so the
   * benchmark's pass-through ceiling runs on the same ones). Under exactly_once_v2 output is
   * invisible to read_committed consumers until the commit, and the commit flushes the producer:
   * lingering past the commit interval costs no latency, while a short linger cuts each commit's
   * output into many tiny batches (one lz4 frame, one broker validation and one request each;
   * BENCHMARKS.md "Topology").
   *
   * <p>Why batches this large: Kafka's producer calls a batch full from its uncompressed size times
   * one compression-ratio estimate per topic and JVM, which jumps to the worst ratio of any batch
   * and comes down 0.005 a batch. A batch holding only a deletion marker (a null value, a key and
   * headers of random UUIDs) compresses to ~1.4 its size, so with deletions in the mix the
   * Observation topic's estimate sits near 1.0 instead of ~0.2; at 256 KiB its batches then filled
   * halfway through a transaction and every full batch sent all open ones (BENCHMARKS.md, "With 1 %
   * deletions").
   *
   * @param commitIntervalMs as Kafka accepts it: a number or its text
   */
  public static Map<String, Object> producerDefaults(Object commitIntervalMs) {
    long commitMs = Long.parseLong(String.valueOf(commitIntervalMs).trim());
    return Map.of(
        ProducerConfig.COMPRESSION_TYPE_CONFIG,
        "lz4",
        ProducerConfig.LINGER_MS_CONFIG,
        Math.max(commitMs, PRODUCER_MIN_LINGER_MS),
        ProducerConfig.BATCH_SIZE_CONFIG,
        PRODUCER_BATCH_BYTES,
        ProducerConfig.BUFFER_MEMORY_CONFIG,
        PRODUCER_BUFFER_BYTES);
  }

  /**
   * The effective configuration for the start-up log line: PASSWORD keys print as [hidden] (Kafka's
   * Password), and every other value, kafka.* pass-through included, by the shared rule that hides
   * secret-named keys and URL credentials ({@link LoggedConfig}).
   */
  public String describe() {
    Map<String, Object> shown = new HashMap<>(values());
    shown.putAll(originalsWithPrefix(KAFKA_PREFIX, false));
    return LoggedConfig.describe(shown);
  }
}

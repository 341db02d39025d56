package io.fhirflow.sink;

import io.fhirflow.contracts.LoggedConfig;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.StringJoiner;
import java.util.stream.Collectors;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.types.Password;

/**
 * Every key of the fhirflow sink connector, with its type, default, validator and documentation.
 *
 * <p>Besides these keys, a deployment sets Connect's own framework keys on the same connector
 * config (they are documented in {@link #FRAMEWORK_KEYS_DOC}): dead-lettering through {@code
 * errors.tolerance=all} + {@code errors.deadletterqueue.topic.name=fhir.r4.dlq}, and {@code
 * consumer.override.isolation.level=read_committed}.
 *
 * <p>Secrets: {@code connection.password} is a {@link Password} and is never logged. Give it
 * through a Connect config provider instead of plain text, e.g. {@code
 * connection.password=${env:FHIRFLOW_PG_PASSWORD}} with {@code config.providers=env} / {@code
 * config.providers.env.class=org.apache.kafka.common.config.provider.EnvVarConfigProvider} on the
 * worker, or {@code ${file:/run/secrets/pg.properties:password}} with the FileConfigProvider.
 */
public final class FhirSinkConnectorConfig extends AbstractConfig {

  public static final String CONNECTION_URL_CONFIG = "connection.url";
  static final String CONNECTION_URL_DOC =
      "JDBC URL of the PostgreSQL database, e.g. jdbc:postgresql://db:5432/fhir?currentSchema=fhirflow."
          + " Tables are created in and read from the connection's current schema."
          + " Do not put the password in the URL; use connection.password.";

  public static final String CONNECTION_USER_CONFIG = "connection.user";
  static final String CONNECTION_USER_DOC = "Database user. Empty: take it from the URL.";
  static final String CONNECTION_USER_DEFAULT = "";

  public static final String CONNECTION_PASSWORD_CONFIG = "connection.password";
  static final String CONNECTION_PASSWORD_DOC =
      "Database password. Never logged. Supply it with a config provider, e.g. ${env:FHIRFLOW_PG_PASSWORD}"
          + " (EnvVarConfigProvider) or ${file:/path/secret.properties:password} (FileConfigProvider).";

  public static final String BATCH_SIZE_CONFIG = "batch.size";
  static final String BATCH_SIZE_DOC =
      "Records buffered before they are written in one database transaction. The buffer keeps only"
          + " the newest version per resource id. Raise consumer.override.max.poll.records with it.";
  static final int BATCH_SIZE_DEFAULT = 5000;

  public static final String BATCH_MAX_WAIT_MS_CONFIG = "batch.max.wait.ms";
  static final String BATCH_MAX_WAIT_MS_DOC =
      "Longest time a buffered record waits for its batch to fill before it is written anyway (with"
          + " batch.write.when.caught.up, only while polls come full); the task asks Connect to call it"
          + " again when the time is up, so an idle stream's last records wait no longer.";
  static final long BATCH_MAX_WAIT_MS_DEFAULT = 500L;

  public static final String BATCH_WRITE_WHEN_CAUGHT_UP_CONFIG = "batch.write.when.caught.up";
  static final String BATCH_WRITE_WHEN_CAUGHT_UP_DOC =
      "Write the buffer as soon as a put() brings fewer records than the consumer's max.poll.records"
          + " (consumer.override.max.poll.records on this connector, else Kafka's 500), or none: the"
          + " consumer has handed over everything it had fetched, so waiting for more only adds latency."
          + " While the task is behind, polls are full and batches still fill to batch.size; at a steady"
          + " rate a batch is what arrived during the previous transaction. false: write only at"
          + " batch.size, batch.max.wait.ms or an offset commit (at 5,600 Observations/s on 2 cores that"
          + " added batch.max.wait.ms to every record after it had already waited out the previous"
          + " transaction; BENCHMARKS.md, freshness).";
  static final boolean BATCH_WRITE_WHEN_CAUGHT_UP_DEFAULT = true;

  /**
   * The consumer's poll size as the connector overrides it; the task compares put() sizes with it.
   */
  static final String MAX_POLL_RECORDS_OVERRIDE = "consumer.override.max.poll.records";

  /** Kafka's default max.poll.records, assumed when the connector does not override it. */
  static final int KAFKA_DEFAULT_MAX_POLL_RECORDS = 500;

  public static final String MAX_RETRIES_CONFIG = "max.retries";
  static final String MAX_RETRIES_DOC =
      "Consecutive failed attempts to write a batch because the database is unavailable (connection"
          + " lost, shutting down, too many connections, serialization failure) before the task fails."
          + " Records are never skipped: a failed task restarts from its last committed offset.";
  static final int MAX_RETRIES_DEFAULT = 100;

  public static final String RETRY_BACKOFF_MS_CONFIG = "retry.backoff.ms";
  static final String RETRY_BACKOFF_MS_DOC =
      "Wait before the first retry of a failed batch; doubled on each further failure.";
  static final long RETRY_BACKOFF_MS_DEFAULT = 500L;

  public static final String RETRY_BACKOFF_MAX_MS_CONFIG = "retry.backoff.max.ms";
  static final String RETRY_BACKOFF_MAX_MS_DOC = "Upper bound of the doubling retry wait.";
  static final long RETRY_BACKOFF_MAX_MS_DEFAULT = 30_000L;

  public static final String TABLE_MAPPING_CONFIG = "table.mapping";
  static final String TABLE_MAPPING_DOC =
      "Which FHIR resource types to store, as ResourceType:table pairs. Known types: Observation,"
          + " Patient, Device. A resource whose type is not listed is dead-lettered"
          + " (UNKNOWN_RESOURCE_TYPE). Each type's table is the store's (the default's): the read API"
          + " only reads those, so another table name is refused.";
  static final String TABLE_MAPPING_DEFAULT =
      Arrays.stream(ResourceType.values())
          .map(t -> t.fhirName() + ":" + t.table())
          .collect(Collectors.joining(","));

  public static final String SCHEMA_MIGRATE_CONFIG = "schema.migrate";
  static final String SCHEMA_MIGRATE_DOC =
      "Apply the bundled Flyway migrations (db/migration) on the first connection. Turn off when a"
          + " DBA applies them; the sink then only checks that the tables exist.";
  static final boolean SCHEMA_MIGRATE_DEFAULT = true;

  public static final String WRITE_METHOD_CONFIG = "write.method";
  static final String WRITE_METHOD_DOC =
      "UNNEST: one INSERT ... SELECT ... ON CONFLICT over the batch bound as one binary array per"
          + " column (no staging table: less PostgreSQL CPU per row than COPY). COPY: stream the batch into a"
          + " temporary staging table with COPY, then one INSERT ... SELECT ... ON CONFLICT."
          + " BATCHED_INSERT: a JDBC batch of INSERT ... ON CONFLICT rewritten into multi-row"
          + " statements. All are newer-wins and idempotent.";
  static final String WRITE_METHOD_DEFAULT = WriteMethod.UNNEST.name();

  /**
   * Connect framework keys that belong on this connector's config; not declared here on purpose.
   */
  public static final String FRAMEWORK_KEYS_DOC =
      "errors.tolerance=all with errors.deadletterqueue.topic.name=fhir.r4.dlq and"
          + " errors.deadletterqueue.context.headers.enable=true: unwritable records go to the dead-letter"
          + " topic with dlq.* and __connect.errors.* headers while the batch goes on (the connector refuses"
          + " errors.tolerance=all without a dead-letter topic, which would drop records)."
          + " consumer.override.isolation.level=read_committed (required: the connector refuses to start"
          + " without it): read only committed records of the transactional topology."
          + " consumer.override.max.poll.records: records per put(), best near batch.size."
          + " key.converter/value.converter=org.apache.kafka.connect.converters.ByteArrayConverter:"
          + " the task parses the FHIR JSON itself and dead-letters the original bytes.";

  public static final ConfigDef CONFIG_DEF =
      new ConfigDef()
          .define(
              CONNECTION_URL_CONFIG,
              Type.STRING,
              ConfigDef.NO_DEFAULT_VALUE,
              new PostgresUrlValidator(),
              Importance.HIGH,
              CONNECTION_URL_DOC)
          .define(
              CONNECTION_USER_CONFIG,
              Type.STRING,
              CONNECTION_USER_DEFAULT,
              Importance.HIGH,
              CONNECTION_USER_DOC)
          .define(
              CONNECTION_PASSWORD_CONFIG,
              Type.PASSWORD,
              null,
              Importance.HIGH,
              CONNECTION_PASSWORD_DOC)
          .define(
              BATCH_SIZE_CONFIG,
              Type.INT,
              BATCH_SIZE_DEFAULT,
              ConfigDef.Range.between(1, 100_000),
              Importance.MEDIUM,
              BATCH_SIZE_DOC)
          .define(
              BATCH_MAX_WAIT_MS_CONFIG,
              Type.LONG,
              BATCH_MAX_WAIT_MS_DEFAULT,
              ConfigDef.Range.atLeast(0),
              Importance.LOW,
              BATCH_MAX_WAIT_MS_DOC)
          .define(
              BATCH_WRITE_WHEN_CAUGHT_UP_CONFIG,
              Type.BOOLEAN,
              BATCH_WRITE_WHEN_CAUGHT_UP_DEFAULT,
              Importance.MEDIUM,
              BATCH_WRITE_WHEN_CAUGHT_UP_DOC)
          .define(
              MAX_RETRIES_CONFIG,
              Type.INT,
              MAX_RETRIES_DEFAULT,
              ConfigDef.Range.atLeast(0),
              Importance.MEDIUM,
              MAX_RETRIES_DOC)
          .define(
              RETRY_BACKOFF_MS_CONFIG,
              Type.LONG,
              RETRY_BACKOFF_MS_DEFAULT,
              ConfigDef.Range.atLeast(1),
              Importance.MEDIUM,
              RETRY_BACKOFF_MS_DOC)
          .define(
              RETRY_BACKOFF_MAX_MS_CONFIG,
              Type.LONG,
              RETRY_BACKOFF_MAX_MS_DEFAULT,
              ConfigDef.Range.atLeast(1),
              Importance.LOW,
              RETRY_BACKOFF_MAX_MS_DOC)
          .define(
              TABLE_MAPPING_CONFIG,
              Type.LIST,
              TABLE_MAPPING_DEFAULT,
              new TableMappingValidator(),
              Importance.MEDIUM,
              TABLE_MAPPING_DOC)
          .define(
              SCHEMA_MIGRATE_CONFIG,
              Type.BOOLEAN,
              SCHEMA_MIGRATE_DEFAULT,
              Importance.LOW,
              SCHEMA_MIGRATE_DOC)
          .define(
              WRITE_METHOD_CONFIG,
              Type.STRING,
              WRITE_METHOD_DEFAULT,
              new EnumValidator(WriteMethod.class),
              Importance.LOW,
              WRITE_METHOD_DOC);

  /** Validates every key; throws {@link ConfigException} naming the key on the first bad value. */
  public FhirSinkConnectorConfig(Map<String, String> props) {
    // doLog=false: AbstractConfig would log the URL verbatim; see effectiveConfigForLog().
    super(CONFIG_DEF, props, false);
    if (retryBackoffMaxMs() < retryBackoffMs()) {
      throw new ConfigException(
          RETRY_BACKOFF_MAX_MS_CONFIG,
          retryBackoffMaxMs(),
          "must be at least " + RETRY_BACKOFF_MS_CONFIG);
    }
  }

  public String connectionUrl() {
    return getString(CONNECTION_URL_CONFIG);
  }

  public String connectionUser() {
    return getString(CONNECTION_USER_CONFIG);
  }

  /** The password, or null when none is configured (trust/peer auth, or given in the URL). */
  public Password connectionPassword() {
    return getPassword(CONNECTION_PASSWORD_CONFIG);
  }

  public int batchSize() {
    return getInt(BATCH_SIZE_CONFIG);
  }

  public long batchMaxWaitMs() {
    return getLong(BATCH_MAX_WAIT_MS_CONFIG);
  }

  public boolean batchWriteWhenCaughtUp() {
    return getBoolean(BATCH_WRITE_WHEN_CAUGHT_UP_CONFIG);
  }

  /**
   * The most records one put() can bring: {@code consumer.override.max.poll.records} of this
   * connector, else Kafka's default. A worker-wide {@code consumer.max.poll.records} is invisible
   * here; if it is smaller, every put() looks caught up and batches are written at once (the
   * latency the rule is for), if larger, a full poll of 500 or more waits as it did before the
   * rule.
   */
  public int maxPollRecords() {
    Object value = originals().get(MAX_POLL_RECORDS_OVERRIDE);
    try {
      return value == null
          ? KAFKA_DEFAULT_MAX_POLL_RECORDS
          : Integer.parseInt(value.toString().trim());
    } catch (NumberFormatException e) {
      throw new ConfigException(MAX_POLL_RECORDS_OVERRIDE, value, "must be an integer");
    }
  }

  public int maxRetries() {
    return getInt(MAX_RETRIES_CONFIG);
  }

  public long retryBackoffMs() {
    return getLong(RETRY_BACKOFF_MS_CONFIG);
  }

  public long retryBackoffMaxMs() {
    return getLong(RETRY_BACKOFF_MAX_MS_CONFIG);
  }

  public boolean schemaMigrate() {
    return getBoolean(SCHEMA_MIGRATE_CONFIG);
  }

  public WriteMethod writeMethod() {
    return WriteMethod.valueOf(getString(WRITE_METHOD_CONFIG).trim().toUpperCase(Locale.ROOT));
  }

  /** Table per resource type; a type not in the map is dead-lettered as UNKNOWN_RESOURCE_TYPE. */
  public Map<ResourceType, String> tableMapping() {
    Map<ResourceType, String> tables = new EnumMap<>(ResourceType.class);
    for (String entry : getList(TABLE_MAPPING_CONFIG)) {
      String[] parts = entry.split(":", 2);
      tables.put(ResourceType.ofConfigName(parts[0]).orElseThrow(), parts[1].trim());
    }
    return tables;
  }

  /**
   * One line with every effective value: the password hidden, every other value (the URL's
   * credentials included) as the shared rule shows it ({@link LoggedConfig}).
   */
  public String effectiveConfigForLog() {
    StringJoiner line = new StringJoiner(", ", "{", "}");
    for (String key : CONFIG_DEF.names().stream().sorted().toList()) {
      Object value = get(key);
      String shown;
      if (value instanceof Password p) {
        shown = p.value() == null ? "null" : Password.HIDDEN;
      } else {
        shown = LoggedConfig.value(key, value);
      }
      line.add(key + "=" + shown);
    }
    return line.toString();
  }

  static String maskUrlSecrets(String url) {
    return LoggedConfig.maskUrlCredentials(url);
  }

  /** Rejects anything but a pgjdbc URL at start, instead of failing at the first batch. */
  static final class PostgresUrlValidator implements ConfigDef.Validator {
    @Override
    public void ensureValid(String name, Object value) {
      if (value == null || !value.toString().startsWith("jdbc:postgresql:")) {
        throw new ConfigException(
            name,
            value == null ? null : maskUrlSecrets(value.toString()),
            "must be a PostgreSQL JDBC URL starting with jdbc:postgresql:");
      }
    }

    @Override
    public String toString() {
      return "jdbc:postgresql:...";
    }
  }

  /**
   * Rejects unknown resource types, malformed pairs and any table but the type's store table
   * ({@link ResourceType#table}).
   */
  static final class TableMappingValidator implements ConfigDef.Validator {
    @Override
    public void ensureValid(String name, Object value) {
      @SuppressWarnings("unchecked")
      List<String> entries = (List<String>) value;
      if (entries == null || entries.isEmpty()) {
        throw new ConfigException(name, value, "at least one ResourceType:table pair is required");
      }
      for (String entry : entries) {
        String[] parts = entry.split(":", 2);
        if (parts.length != 2) {
          throw new ConfigException(name, entry, "expected ResourceType:table");
        }
        if (ResourceType.ofConfigName(parts[0]).isEmpty()) {
          throw new ConfigException(
              name,
              entry,
              "unknown resource type; known: " + Arrays.toString(ResourceType.values()));
        }
        // The API, views and cli read the store's tables by their names (io.fhirflow.store), so a
        // renamed table would be written and never read; the schema is the URL's currentSchema.
        ResourceType type = ResourceType.ofConfigName(parts[0]).orElseThrow();
        if (!parts[1].trim().equals(type.table())) {
          throw new ConfigException(
              name,
              entry,
              "renaming a table is not supported: the read API reads "
                  + type.fhirName()
                  + " from "
                  + type.table()
                  + " only. List the type as "
                  + type.fhirName()
                  + ":"
                  + type.table()
                  + ", or leave it out to dead-letter it; pick the schema with the URL's"
                  + " currentSchema");
        }
      }
    }

    @Override
    public String toString() {
      return "ResourceType:table,...";
    }
  }

  /** Accepts exactly the constants of an enum (case-insensitive); anything else fails at start. */
  static final class EnumValidator implements ConfigDef.Validator {
    private final Class<? extends Enum<?>> type;

    EnumValidator(Class<? extends Enum<?>> type) {
      this.type = type;
    }

    @Override
    public void ensureValid(String name, Object value) {
      String s = value == null ? "" : value.toString().trim().toUpperCase(Locale.ROOT);
      for (Enum<?> constant : type.getEnumConstants()) {
        if (constant.name().equals(s)) {
          return;
        }
      }
      throw new ConfigException(name, value, "must be one of " + this);
    }

    @Override
    public String toString() {
      return Arrays.toString(type.getEnumConstants());
    }
  }
}

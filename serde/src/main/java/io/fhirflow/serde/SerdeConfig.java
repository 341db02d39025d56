package io.fhirflow.serde;

import java.util.List;
import java.util.Map;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.types.Password;

/**
 * The serde's configuration, read from the producer, consumer or Streams properties with
 * Confluent's key names so existing client configs work unchanged. Unknown keys are ignored (they
 * belong to the Kafka client).
 */
public final class SerdeConfig extends AbstractConfig {

  public static final String SCHEMA_REGISTRY_URL_CONFIG = "schema.registry.url";
  private static final String SCHEMA_REGISTRY_URL_DOC =
      "Comma-separated base URLs of a Confluent-REST-compatible schema registry (Confluent, Apicurio ccompat,"
          + " Karapace, Redpanda), tried in order on network errors; https uses the JVM's default trust store"
          + " (javax.net.ssl.trustStore). mock://SCOPE selects an in-memory registry shared by every serde in"
          + " the JVM with the same scope (unit tests only). Required unless a client is passed to the serde.";

  public static final String AUTO_REGISTER_SCHEMAS_CONFIG = "auto.register.schemas";
  private static final String AUTO_REGISTER_SCHEMAS_DOC =
      "Serializer: register the record's schema under the subject if it is new. When false, the schema must"
          + " already be registered (looked up), or use.latest.version must be set.";
  public static final boolean AUTO_REGISTER_SCHEMAS_DEFAULT = true;

  public static final String USE_LATEST_VERSION_CONFIG = "use.latest.version";
  private static final String USE_LATEST_VERSION_DOC =
      "Serializer: write with the subject's latest registered schema (records are converted to it by Avro"
          + " schema resolution) instead of the record's own schema. Set auto.register.schemas=false with it.";
  public static final boolean USE_LATEST_VERSION_DEFAULT = false;

  public static final String LATEST_CACHE_TTL_SEC_CONFIG = "latest.cache.ttl.sec";
  private static final String LATEST_CACHE_TTL_SEC_DOC =
      "How long the answer to 'latest version of a subject' is cached, in seconds; -1 caches it until restart."
          + " Schemas by id and ids by schema are immutable and always cached.";
  public static final long LATEST_CACHE_TTL_SEC_DEFAULT = -1;

  public static final String BASIC_AUTH_CREDENTIALS_SOURCE_CONFIG = "basic.auth.credentials.source";
  private static final String BASIC_AUTH_CREDENTIALS_SOURCE_DOC =
      "Where the registry's HTTP basic-auth credentials come from: USER_INFO (basic.auth.user.info) or URL"
          + " (user:password@ in schema.registry.url).";
  public static final String BASIC_AUTH_CREDENTIALS_SOURCE_DEFAULT = "URL";

  public static final String BASIC_AUTH_USER_INFO_CONFIG = "basic.auth.user.info";
  private static final String BASIC_AUTH_USER_INFO_DOC =
      "user:password for the registry when basic.auth.credentials.source=USER_INFO. A secret: pass it from the"
          + " environment or a mounted file.";

  public static final String HTTP_CONNECT_TIMEOUT_MS_CONFIG = "http.connect.timeout.ms";
  private static final String HTTP_CONNECT_TIMEOUT_MS_DOC =
      "Timeout for connecting to the registry, in milliseconds.";
  public static final int HTTP_CONNECT_TIMEOUT_MS_DEFAULT = 60_000;

  public static final String HTTP_READ_TIMEOUT_MS_CONFIG = "http.read.timeout.ms";
  private static final String HTTP_READ_TIMEOUT_MS_DOC =
      "Timeout for one registry request to answer, in milliseconds.";
  public static final int HTTP_READ_TIMEOUT_MS_DEFAULT = 60_000;

  public static final String SSL_TRUSTSTORE_LOCATION_CONFIG =
      "schema.registry.ssl.truststore.location";
  private static final String SSL_TRUSTSTORE_LOCATION_DOC =
      "Trust store for an https registry (e.g. a mounted secret). Empty: the JVM's default trust (javax.net.ssl.trustStore).";
  public static final String SSL_TRUSTSTORE_PASSWORD_CONFIG =
      "schema.registry.ssl.truststore.password";
  private static final String SSL_TRUSTSTORE_PASSWORD_DOC =
      "Password of the trust store, if it has one.";
  public static final String SSL_TRUSTSTORE_TYPE_CONFIG = "schema.registry.ssl.truststore.type";
  private static final String SSL_TRUSTSTORE_TYPE_DOC = "Trust store format: PKCS12 or JKS.";
  public static final String SSL_KEYSTORE_LOCATION_CONFIG = "schema.registry.ssl.keystore.location";
  private static final String SSL_KEYSTORE_LOCATION_DOC =
      "Key store with the client certificate for a registry that requires mutual TLS. Empty: the JVM's default (javax.net.ssl.keyStore).";
  public static final String SSL_KEYSTORE_PASSWORD_CONFIG = "schema.registry.ssl.keystore.password";
  private static final String SSL_KEYSTORE_PASSWORD_DOC = "Password of the key store.";
  public static final String SSL_KEYSTORE_TYPE_CONFIG = "schema.registry.ssl.keystore.type";
  private static final String SSL_KEYSTORE_TYPE_DOC = "Key store format: PKCS12 or JKS.";
  public static final String SSL_KEY_PASSWORD_CONFIG = "schema.registry.ssl.key.password";
  private static final String SSL_KEY_PASSWORD_DOC =
      "Password of the private key in the key store; empty: the key store's password.";
  public static final String SSL_STORE_TYPE_DEFAULT = "PKCS12";

  public static final String MAX_SCHEMAS_PER_SUBJECT_CONFIG = "max.schemas.per.subject";
  private static final String MAX_SCHEMAS_PER_SUBJECT_DOC =
      "Bound of each registry cache (schemas by id, ids by subject and schema).";
  public static final int MAX_SCHEMAS_PER_SUBJECT_DEFAULT = 1000;

  public static final String SPECIFIC_AVRO_KEY_TYPE_CONFIG = "specific.avro.key.type";
  private static final String SPECIFIC_AVRO_KEY_TYPE_DOC =
      "Deserializer created by class name: the generated SpecificRecord class to read keys into.";

  public static final String SPECIFIC_AVRO_VALUE_TYPE_CONFIG = "specific.avro.value.type";
  private static final String SPECIFIC_AVRO_VALUE_TYPE_DOC =
      "Deserializer created by class name: the generated SpecificRecord class to read values into.";

  public static final String KEY_SUBJECT_NAME_STRATEGY_CONFIG = "key.subject.name.strategy";
  public static final String VALUE_SUBJECT_NAME_STRATEGY_CONFIG = "value.subject.name.strategy";
  private static final String SUBJECT_NAME_STRATEGY_DOC =
      "Only Confluent's TopicNameStrategy (subjects TOPIC-key and TOPIC-value) is supported; any other value is rejected.";
  public static final String TOPIC_NAME_STRATEGY =
      "io.confluent.kafka.serializers.subject.TopicNameStrategy";

  /** Credential sources this serde understands. */
  public enum CredentialsSource {
    USER_INFO,
    URL
  }

  public static final ConfigDef CONFIG_DEF =
      new ConfigDef()
          .define(
              SCHEMA_REGISTRY_URL_CONFIG,
              Type.LIST,
              List.of(),
              Importance.HIGH,
              SCHEMA_REGISTRY_URL_DOC)
          .define(
              AUTO_REGISTER_SCHEMAS_CONFIG,
              Type.BOOLEAN,
              AUTO_REGISTER_SCHEMAS_DEFAULT,
              Importance.MEDIUM,
              AUTO_REGISTER_SCHEMAS_DOC)
          .define(
              USE_LATEST_VERSION_CONFIG,
              Type.BOOLEAN,
              USE_LATEST_VERSION_DEFAULT,
              Importance.MEDIUM,
              USE_LATEST_VERSION_DOC)
          .define(
              LATEST_CACHE_TTL_SEC_CONFIG,
              Type.LONG,
              LATEST_CACHE_TTL_SEC_DEFAULT,
              Importance.LOW,
              LATEST_CACHE_TTL_SEC_DOC)
          .define(
              BASIC_AUTH_CREDENTIALS_SOURCE_CONFIG,
              Type.STRING,
              BASIC_AUTH_CREDENTIALS_SOURCE_DEFAULT,
              ConfigDef.CaseInsensitiveValidString.in("USER_INFO", "URL"),
              Importance.MEDIUM,
              BASIC_AUTH_CREDENTIALS_SOURCE_DOC)
          .define(
              BASIC_AUTH_USER_INFO_CONFIG,
              Type.PASSWORD,
              "",
              Importance.MEDIUM,
              BASIC_AUTH_USER_INFO_DOC)
          .define(
              HTTP_CONNECT_TIMEOUT_MS_CONFIG,
              Type.INT,
              HTTP_CONNECT_TIMEOUT_MS_DEFAULT,
              ConfigDef.Range.atLeast(1),
              Importance.LOW,
              HTTP_CONNECT_TIMEOUT_MS_DOC)
          .define(
              HTTP_READ_TIMEOUT_MS_CONFIG,
              Type.INT,
              HTTP_READ_TIMEOUT_MS_DEFAULT,
              ConfigDef.Range.atLeast(1),
              Importance.LOW,
              HTTP_READ_TIMEOUT_MS_DOC)
          .define(
              SSL_TRUSTSTORE_LOCATION_CONFIG,
              Type.STRING,
              "",
              Importance.MEDIUM,
              SSL_TRUSTSTORE_LOCATION_DOC)
          .define(
              SSL_TRUSTSTORE_PASSWORD_CONFIG,
              Type.PASSWORD,
              "",
              Importance.MEDIUM,
              SSL_TRUSTSTORE_PASSWORD_DOC)
          .define(
              SSL_TRUSTSTORE_TYPE_CONFIG,
              Type.STRING,
              SSL_STORE_TYPE_DEFAULT,
              Importance.LOW,
              SSL_TRUSTSTORE_TYPE_DOC)
          .define(
              SSL_KEYSTORE_LOCATION_CONFIG,
              Type.STRING,
              "",
              Importance.MEDIUM,
              SSL_KEYSTORE_LOCATION_DOC)
          .define(
              SSL_KEYSTORE_PASSWORD_CONFIG,
              Type.PASSWORD,
              "",
              Importance.MEDIUM,
              SSL_KEYSTORE_PASSWORD_DOC)
          .define(
              SSL_KEYSTORE_TYPE_CONFIG,
              Type.STRING,
              SSL_STORE_TYPE_DEFAULT,
              Importance.LOW,
              SSL_KEYSTORE_TYPE_DOC)
          .define(SSL_KEY_PASSWORD_CONFIG, Type.PASSWORD, "", Importance.LOW, SSL_KEY_PASSWORD_DOC)
          .define(
              MAX_SCHEMAS_PER_SUBJECT_CONFIG,
              Type.INT,
              MAX_SCHEMAS_PER_SUBJECT_DEFAULT,
              ConfigDef.Range.atLeast(1),
              Importance.LOW,
              MAX_SCHEMAS_PER_SUBJECT_DOC)
          .define(
              SPECIFIC_AVRO_KEY_TYPE_CONFIG,
              Type.CLASS,
              null,
              Importance.LOW,
              SPECIFIC_AVRO_KEY_TYPE_DOC)
          .define(
              SPECIFIC_AVRO_VALUE_TYPE_CONFIG,
              Type.CLASS,
              null,
              Importance.LOW,
              SPECIFIC_AVRO_VALUE_TYPE_DOC)
          .define(
              KEY_SUBJECT_NAME_STRATEGY_CONFIG,
              Type.STRING,
              TOPIC_NAME_STRATEGY,
              Importance.LOW,
              SUBJECT_NAME_STRATEGY_DOC)
          .define(
              VALUE_SUBJECT_NAME_STRATEGY_CONFIG,
              Type.STRING,
              TOPIC_NAME_STRATEGY,
              Importance.LOW,
              SUBJECT_NAME_STRATEGY_DOC);

  public SerdeConfig(Map<String, ?> props) {
    // Not logged here: every serde instance would print it; the owning process logs its config
    // once.
    super(CONFIG_DEF, props, false);
    for (String key :
        List.of(KEY_SUBJECT_NAME_STRATEGY_CONFIG, VALUE_SUBJECT_NAME_STRATEGY_CONFIG)) {
      String strategy = getString(key);
      if (!TOPIC_NAME_STRATEGY.equals(strategy) && !"TopicNameStrategy".equals(strategy)) {
        throw new ConfigException(key, strategy, "only TopicNameStrategy is supported");
      }
    }
  }

  public List<String> registryUrls() {
    return getList(SCHEMA_REGISTRY_URL_CONFIG);
  }

  public boolean autoRegisterSchemas() {
    return getBoolean(AUTO_REGISTER_SCHEMAS_CONFIG);
  }

  public boolean useLatestVersion() {
    return getBoolean(USE_LATEST_VERSION_CONFIG);
  }

  public long latestCacheTtlSeconds() {
    return getLong(LATEST_CACHE_TTL_SEC_CONFIG);
  }

  public CredentialsSource credentialsSource() {
    return CredentialsSource.valueOf(
        getString(BASIC_AUTH_CREDENTIALS_SOURCE_CONFIG).toUpperCase(java.util.Locale.ROOT));
  }

  public Password basicAuthUserInfo() {
    return getPassword(BASIC_AUTH_USER_INFO_CONFIG);
  }

  public int connectTimeoutMs() {
    return getInt(HTTP_CONNECT_TIMEOUT_MS_CONFIG);
  }

  public int readTimeoutMs() {
    return getInt(HTTP_READ_TIMEOUT_MS_CONFIG);
  }

  public int cacheCapacity() {
    return getInt(MAX_SCHEMAS_PER_SUBJECT_CONFIG);
  }

  /** The configured generated class for keys or values, or null when none is set. */
  public Class<?> specificType(boolean isKey) {
    return getClass(isKey ? SPECIFIC_AVRO_KEY_TYPE_CONFIG : SPECIFIC_AVRO_VALUE_TYPE_CONFIG);
  }
}

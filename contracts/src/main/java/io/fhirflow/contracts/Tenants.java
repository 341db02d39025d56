package io.fhirflow.contracts;

import java.util.regex.Pattern;

/**
 * Tenants (docs/tenants.md): an organisation whose people's data never mixes with another's. The
 * tenant of a sample is the raw topic it was written to, never a field or header a gateway sets:
 * the broker lets a tenant's gateway principal write only to its own raw topic ({@code
 * <raw>.<tenant>}, prefixed ACLs), and the topology subscribes to every raw topic by pattern.
 *
 * <p>The {@linkplain #DEFAULT default tenant} owns the unsuffixed raw topic, so a deployment from
 * before tenants keeps its topic, its FHIR ids, its rows and its Redis keys unchanged.
 */
public final class Tenants {

  /** The tenant of the unsuffixed raw topic and of every row and record from before tenants. */
  public static final String DEFAULT = "default";

  /**
   * A tenant's name: lower-case letters, digits and hyphens, starting with a letter or digit, at
   * most 32 characters; safe in a topic name, a Kafka principal, a Redis key and a SQL setting, and
   * without the dot that separates it from the raw topic's name.
   */
  public static final String NAME_REGEX = "[a-z0-9][a-z0-9-]{0,31}";

  private static final Pattern NAME = Pattern.compile(NAME_REGEX);

  /**
   * The PostgreSQL setting row-level security reads: {@code current_setting('fhirflow.tenant')}.
   */
  public static final String SQL_SETTING = "fhirflow.tenant";

  /** The access token claim naming the tenant whose data a request may read. */
  public static final String TOKEN_CLAIM = "tenant";

  private Tenants() {}

  public static boolean isValid(String tenant) {
    return tenant != null && NAME.matcher(tenant).matches();
  }

  /**
   * @throws IllegalArgumentException when {@code tenant} is not a tenant name ({@link #NAME_REGEX})
   */
  public static String requireValid(String tenant) {
    if (!isValid(tenant)) {
      throw new IllegalArgumentException(
          "not a tenant name (" + NAME_REGEX + "): " + (tenant == null ? "null" : tenant));
    }
    return tenant;
  }

  /** The raw topic a tenant's gateways write to: {@code raw} itself for the default tenant. */
  public static String rawTopic(String raw, String tenant) {
    return DEFAULT.equals(requireValid(tenant)) ? raw : raw + "." + tenant;
  }

  /** Every tenant's raw topic: {@code raw} and {@code raw.<tenant>}. */
  public static Pattern rawTopics(String raw) {
    return Pattern.compile(Pattern.quote(raw) + "(\\." + NAME_REGEX + ")?");
  }

  /**
   * The tenant a raw topic belongs to.
   *
   * @return the tenant, or null when {@code topic} is none of {@link #rawTopics}
   */
  public static String ofRawTopic(String raw, String topic) {
    if (topic == null || !topic.startsWith(raw)) {
      return null;
    }
    if (topic.length() == raw.length()) {
      return DEFAULT;
    }
    if (topic.charAt(raw.length()) != '.') {
      return null;
    }
    String tenant = topic.substring(raw.length() + 1);
    return isValid(tenant) ? tenant : null;
  }

  /**
   * The Kafka principal (Strimzi KafkaUser, SCRAM user name) of a tenant's gateways: {@code
   * gateway-<tenant>}.
   */
  public static String gatewayPrincipal(String tenant) {
    return "gateway-" + requireValid(tenant);
  }
}

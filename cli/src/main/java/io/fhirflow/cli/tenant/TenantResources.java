package io.fhirflow.cli.tenant;

import io.fhirflow.contracts.Tenants;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.quota.ClientQuotaAlteration;
import org.apache.kafka.common.quota.ClientQuotaEntity;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;

/**
 * What a tenant needs in Kafka (docs/tenants.md): its raw topic, its gateway principal and that
 * principal's ACLs, as Admin API objects or as Strimzi resources.
 *
 * <p>The ACLs name the tenant's raw topic <em>literally</em>, not by prefix: tenant names may be
 * prefixes of one another ({@code acme}, {@code acme-labs}), so a prefixed ACL on {@code
 * wearable.samples.raw.acme} would let acme's gateways write acme-labs' topic.
 */
public record TenantResources(String tenant, String rawTopic, String deadLetterTopic) {

  /** The broker's client quota key (kafka-server's QuotaConfig, not on the client's class path). */
  static final String PRODUCER_BYTE_RATE = "producer_byte_rate";

  public TenantResources {
    Tenants.requireValid(tenant);
  }

  /** The tenant's raw topic. */
  public String topic() {
    return Tenants.rawTopic(rawTopic, tenant);
  }

  /** The gateway's user name (SCRAM user, Strimzi KafkaUser). */
  public String gatewayUser() {
    return Tenants.gatewayPrincipal(tenant);
  }

  /** The raw topic's broker-side settings every tenant's copy must share. */
  public static Map<String, String> topicConfig() {
    // The topology's ingest time is the broker's append time, never a producer's choice.
    return Map.of("message.timestamp.type", "LogAppendTime");
  }

  /**
   * Write (and the Describe it implies) on the tenant's raw topic, and on the dead-letter topic the
   * importer writes what it cannot send; nothing else.
   */
  public List<AclBinding> gatewayAcls() {
    String principal = "User:" + gatewayUser();
    return List.of(topic(), deadLetterTopic).stream()
        .map(
            t ->
                new AclBinding(
                    new ResourcePattern(ResourceType.TOPIC, t, PatternType.LITERAL),
                    new AccessControlEntry(
                        principal, "*", AclOperation.WRITE, AclPermissionType.ALLOW)))
        .toList();
  }

  /**
   * The Kafka client quota of the tenant's gateway principal: at most {@code bytesPerSecond} bytes
   * produced per second per broker (the broker delays its answers, and so the gateway's next
   * requests, once the principal goes beyond it), so that one tenant's burst cannot take the
   * brokers', and behind them the topology's, capacity from the others (docs/tenants.md,
   * "Fairness"). Null removes the quota.
   */
  public ClientQuotaAlteration producerQuota(Long bytesPerSecond) {
    return new ClientQuotaAlteration(
        new ClientQuotaEntity(Map.of(ClientQuotaEntity.USER, gatewayUser())),
        List.of(
            new ClientQuotaAlteration.Op(
                PRODUCER_BYTE_RATE, bytesPerSecond == null ? null : bytesPerSecond.doubleValue())));
  }

  /**
   * The Strimzi KafkaTopic and KafkaUser (SCRAM-SHA-512: the User Operator creates the credential
   * in a Secret named like the user), for a cluster managed by Strimzi.
   */
  public String strimziYaml(String cluster, int partitions, int replicas) {
    return strimziYaml(cluster, partitions, replicas, null);
  }

  /**
   * {@link #strimziYaml(String, int, int)} with the gateway user's producer quota ({@code
   * spec.quotas.producerByteRate}; none when null), which the User Operator applies as {@link
   * #producerQuota} does.
   */
  public String strimziYaml(String cluster, int partitions, int replicas, Long producerByteRate) {
    String quotas =
        producerByteRate == null
            ? ""
            : "  quotas:\n    producerByteRate: " + producerByteRate + "\n";
    String topicSpec =
        """
        spec:
          topicName: %s
          partitions: %d
          replicas: %d
          config:
            message.timestamp.type: LogAppendTime
        """
            .formatted(topic(), partitions, replicas);
    String userSpec =
        """
        spec:
          authentication:
            type: scram-sha-512
          authorization:
            type: simple
            acls:
              - resource: {type: topic, name: %s, patternType: literal}
                operations: [Write, Describe]
              - resource: {type: topic, name: %s, patternType: literal}
                operations: [Write, Describe]
        %s"""
            .formatted(topic(), deadLetterTopic, quotas);
    return "# Tenant "
        + tenant
        + " (docs/tenants.md): its raw topic and its gateways' user.\n"
        + strimziHead("KafkaTopic", topic().replace('.', '-'), cluster)
        + topicSpec
        + "---\n"
        + strimziHead("KafkaUser", gatewayUser(), cluster)
        + userSpec;
  }

  /**
   * A Strimzi resource of the tenant up to its spec: kind, name, the cluster's and tenant's labels.
   */
  private String strimziHead(String kind, String name, String cluster) {
    return """
        apiVersion: kafka.strimzi.io/v1
        kind: %s
        metadata:
          name: %s
          labels:
            strimzi.io/cluster: %s
            fhirflow.io/tenant: %s
        """
        .formatted(kind, name, cluster, tenant);
  }
}

package io.fhirflow.cli.tenant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fhirflow.cli.Main;
import io.fhirflow.contracts.Tenants;
import io.fhirflow.testkit.KafkaBroker;
import io.fhirflow.testkit.TenantAddArguments;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.quota.ClientQuotaEntity;
import org.apache.kafka.common.quota.ClientQuotaFilter;
import org.apache.kafka.common.quota.ClientQuotaFilterComponent;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The broker enforces tenancy (docs/tenants.md): on a real KRaft broker that takes SASL only, with
 * the standard authorizer and no access without an ACL, {@code fhirflow tenant add} (as the admin)
 * creates each tenant's raw topic, gateway user and ACLs; tenant A's gateway credential writes A's
 * topic and is refused by the broker on B's topic and on the default tenant's.
 */
class TenantIsolationIT {

  private static KafkaBroker broker;
  private static String raw;
  @TempDir static Path dir;

  @BeforeAll
  static void start() {
    broker = KafkaBroker.startSecured();
    raw = KafkaBroker.uniqueTopic("raw");
    broker.createTopics(3, raw, raw + "-dlq");
  }

  @AfterAll
  static void stop() {
    broker.close();
  }

  @Test
  void aTenantsGatewayWritesItsOwnTopicAndTheBrokerRefusesAnotherTenants() throws Exception {
    Map<String, Object> acme = addTenant("acme");
    Map<String, Object> acmeLabs = addTenant("acme-labs");

    try (Admin admin = broker.admin()) {
      String topic = Tenants.rawTopic(raw, "acme");
      assertThat(admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic).partitions())
          .hasSize(3);
      ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
      assertThat(
              admin
                  .describeConfigs(List.of(resource))
                  .all()
                  .get()
                  .get(resource)
                  .get("message.timestamp.type")
                  .value())
          .isEqualTo("LogAppendTime");
    }

    send(acme, Tenants.rawTopic(raw, "acme"));
    send(acmeLabs, Tenants.rawTopic(raw, "acme-labs"));
    // acme's name is a prefix of acme-labs': the ACLs are literal, so neither reaches the other.
    assertRefused(acme, Tenants.rawTopic(raw, "acme-labs"));
    assertRefused(acmeLabs, Tenants.rawTopic(raw, "acme"));
    assertRefused(acme, raw);
  }

  /**
   * Fairness (issue 15, item 6): {@code --producer-byte-rate} sets a client quota on the gateway's
   * principal, and the broker holds that tenant's gateway to it: producing 40 times the quota per
   * second in one go makes the broker throttle it (the broker's rate counts over at least ten
   * one-second windows, so ten times the quota would not be beyond it yet).
   */
  @Test
  void theProducerByteRateIsTheGatewayUsersQuotaAndTheBrokerThrottlesTheGatewayToIt()
      throws Exception {
    Map<String, Object> client = addTenant("quota-co", "--producer-byte-rate", "10240");

    try (Admin admin = broker.admin()) {
      Map<ClientQuotaEntity, Map<String, Double>> quotas =
          admin
              .describeClientQuotas(
                  ClientQuotaFilter.containsOnly(
                      List.of(
                          ClientQuotaFilterComponent.ofEntity(
                              ClientQuotaEntity.USER, "gateway-quota-co"))))
              .entities()
              .get(30, TimeUnit.SECONDS);
      assertThat(quotas.values()).containsExactly(Map.of("producer_byte_rate", 10240.0));
    }
    Map<String, Object> patient = new HashMap<>(client);
    patient.put("delivery.timeout.ms", "120000");
    patient.put("request.timeout.ms", "60000");
    patient.put("max.block.ms", "60000");
    try (KafkaProducer<byte[], byte[]> p =
        new KafkaProducer<>(patient, new ByteArraySerializer(), new ByteArraySerializer())) {
      String topic = Tenants.rawTopic(raw, "quota-co");
      for (int i = 0; i < 40; i++) {
        p.send(new ProducerRecord<>(topic, "user-1".getBytes(), new byte[10_240]))
            .get(120, TimeUnit.SECONDS);
      }
      double throttledMs =
          p.metrics().entrySet().stream()
              .filter(e -> e.getKey().name().equals("produce-throttle-time-max"))
              .mapToDouble(e -> ((Number) e.getValue().metricValue()).doubleValue())
              .max()
              .orElse(0);
      assertThat(throttledMs).as("the broker's throttle time, ms").isPositive();
    }
  }

  /** Runs {@code fhirflow tenant add} as the admin; returns the gateway's client settings. */
  private static Map<String, Object> addTenant(String tenant, String... options) throws Exception {
    Path credential = dir.resolve(tenant + ".properties");
    List<String> topicsAndOptions =
        new ArrayList<>(List.of("--raw-topic", raw, "--dlq-topic", raw + "-dlq"));
    topicsAndOptions.addAll(List.of(options));
    assertThat(Main.run(TenantAddArguments.asAdmin(broker, tenant, credential, topicsAndOptions)))
        .isZero();
    // A set: its toString order is the JVM's, not the file's.
    assertThat(Files.getPosixFilePermissions(credential))
        .containsExactlyInAnyOrder(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);
    return broker.gatewayClient(credential);
  }

  private static KafkaProducer<byte[], byte[]> producer(Map<String, Object> client) {
    Map<String, Object> config = new HashMap<>(client);
    config.put("max.block.ms", "10000");
    config.put("delivery.timeout.ms", "10000");
    config.put("request.timeout.ms", "5000");
    return new KafkaProducer<>(config, new ByteArraySerializer(), new ByteArraySerializer());
  }

  private static void send(Map<String, Object> client, String topic) throws Exception {
    try (KafkaProducer<byte[], byte[]> p = producer(client)) {
      p.send(new ProducerRecord<>(topic, "user-1".getBytes(), "x".getBytes()))
          .get(20, TimeUnit.SECONDS);
    }
  }

  private static void assertRefused(Map<String, Object> client, String topic) {
    assertThatThrownBy(() -> send(client, topic))
        .satisfiesAnyOf(
            e -> assertThat(e).isInstanceOf(TopicAuthorizationException.class),
            e ->
                assertThat(e)
                    .isInstanceOf(ExecutionException.class)
                    .hasCauseInstanceOf(TopicAuthorizationException.class));
  }
}

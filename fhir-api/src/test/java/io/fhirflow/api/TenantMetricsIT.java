package io.fhirflow.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.fhirflow.api.support.ApiPerClass;
import io.fhirflow.api.support.CliSamples;
import io.fhirflow.contracts.RedisKeyLayout;
import io.fhirflow.contracts.Tenants;
import io.fhirflow.mapping.ResourceIds;
import io.fhirflow.schema.HkQuantity;
import io.fhirflow.schema.WearableSample;
import io.fhirflow.serde.ErasureRequest;
import io.fhirflow.testkit.LocalServices;
import io.fhirflow.testkit.WearableSamples;
import io.fhirflow.topology.FhirFlowApplication;
import io.fhirflow.topology.testing.TopologyWorld;
import io.lettuce.core.RedisClient;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanIterator;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeSet;
import java.util.UUID;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The metrics view of tenants end to end on the real Redis (docs/redis-metrics.md,
 * docs/tenants.md): the topology on a real broker writes the same user id of the default tenant and
 * of acme under two sets of keys; the API reads only its token's tenant's keys, so another tenant's
 * patient is a 404 whatever the token's scopes; an erasure in acme removes acme's keys and leaves
 * the default tenant's.
 */
class TenantMetricsIT {

  private static final String ACME = "acme";
  private static final String USER = "shared-user";
  private static final String DEFAULT_PATIENT = ResourceIds.patient(USER);
  private static final String ACME_PATIENT = ResourceIds.patient(ACME, USER);
  private static final ObjectMapper JSON = new ObjectMapper();

  private static final String ID = UUID.randomUUID().toString().substring(0, 8);
  private static final String PREFIX = "fhirflow-test-" + ID + ":";
  private static final RedisKeyLayout KEYS = new RedisKeyLayout(PREFIX);

  @RegisterExtension
  static final ApiPerClass api =
      ApiPerClass.with(
          Map.of(
              ApiConfig.REDIS_KEY_PREFIX_CONFIG,
              PREFIX,
              ApiConfig.USER_SCOPES_WITHOUT_PATIENT_CONFIG,
              "all-patients"));

  private static FhirFlowApplication topology;
  private static RedisClient redisClient;
  private static StatefulRedisConnection<String, String> redisConnection;
  private static RedisCommands<String, String> redis;
  private static TopologyWorld world;

  @BeforeAll
  static void start() throws Exception {
    world = new TopologyWorld(api.broker(), "tenant-metrics", ID, PREFIX);
    world.createTopics(2, Tenants.rawTopic(world.topics.raw(), ACME));
    topology = world.start(world.config());
    redisClient = RedisClient.create(LocalServices.redisUrl());
    redisConnection = redisClient.connect();
    redis = redisConnection.sync();

    Instant measured = Instant.now().minus(1, ChronoUnit.HOURS).truncatedTo(ChronoUnit.SECONDS);
    produce(world.topics.raw(), heartRate(measured, 72).build());
    produce(Tenants.rawTopic(world.topics.raw(), ACME), heartRate(measured, 91).build());
    await()
        .atMost(Duration.ofSeconds(90))
        .until(
            () ->
                redis.hget(KEYS.latest(Tenants.DEFAULT, DEFAULT_PATIENT), "heart_rate") != null
                    && redis.hget(KEYS.latest(ACME, ACME_PATIENT), "heart_rate") != null);
  }

  @AfterAll
  static void stop() throws Exception {
    if (topology != null) {
      topology.close();
    }
    if (redisConnection != null) {
      for (String key : keys()) {
        redis.del(key);
      }
      redisConnection.close();
      redisClient.shutdown();
    }
  }

  @Test
  void theSameUserIdInTwoTenantsIsTwoSetsOfKeysAndEachTokenReadsOnlyItsTenants() throws Exception {
    String defaultBase = KEYS.patientBase(Tenants.DEFAULT, DEFAULT_PATIENT);
    String acmeBase = KEYS.patientBase(ACME, ACME_PATIENT);
    assertThat(acmeBase).isNotEqualTo(defaultBase);
    assertThat(keys().stream().filter(k -> k.contains(DEFAULT_PATIENT)))
        .as("the default tenant's patient's keys")
        .allMatch(k -> k.startsWith(defaultBase))
        .contains(defaultBase + "latest")
        .anyMatch(k -> k.startsWith(defaultBase + "day:"));
    assertThat(keys().stream().filter(k -> k.contains(ACME_PATIENT)))
        .as("acme's patient's keys, same user id")
        .allMatch(k -> k.startsWith(acmeBase))
        .contains(acmeBase + "latest")
        .anyMatch(k -> k.startsWith(acmeBase + "day:"));
    assertThat(redis.hget(acmeBase + "latest", "heart_rate")).contains("\"value\":91");
    assertThat(redis.hget(defaultBase + "latest", "heart_rate")).contains("\"value\":72");

    String acmeToken = tokenOf(ACME);
    // No tenant claim and no patient claim: the default tenant, any of its patients (a user/ token
    // under api.auth.user.scopes.without.patient=all-patients, the case that could read another
    // tenant's view by id before the keys named the tenant).
    String defaultToken = api.systemToken("user/*.rs");
    assertThat(latestHeartRate("/metrics/Patient/" + ACME_PATIENT, acmeToken)).isEqualTo(91);
    assertThat(latestHeartRate("/metrics/Patient/" + DEFAULT_PATIENT, defaultToken)).isEqualTo(72);
    assertThat(api.get("/metrics/Patient/" + DEFAULT_PATIENT, acmeToken).statusCode())
        .isEqualTo(404);
    assertThat(api.get("/metrics/Patient/" + ACME_PATIENT, defaultToken).statusCode())
        .isEqualTo(404);
    assertThat(api.get("/metrics/Patient/" + ACME_PATIENT, tokenOf(Tenants.DEFAULT)).statusCode())
        .isEqualTo(404);
  }

  @Test
  void anErasureInAcmeRemovesAcmesKeysAndLeavesTheDefaultTenantsAlone() throws Exception {
    String second = "second-user";
    Instant measured = Instant.now().minus(2, ChronoUnit.HOURS).truncatedTo(ChronoUnit.SECONDS);
    produce(world.topics.raw(), heartRate(measured, 65).setUserId(second).build());
    produce(
        Tenants.rawTopic(world.topics.raw(), ACME),
        heartRate(measured, 66).setUserId(second).build());
    String defaultBase = KEYS.patientBase(Tenants.DEFAULT, ResourceIds.patient(second));
    String acmeBase = KEYS.patientBase(ACME, ResourceIds.patient(ACME, second));
    await()
        .atMost(Duration.ofSeconds(60))
        .until(() -> redis.exists(defaultBase + "latest", acmeBase + "latest") == 2);

    Properties props = new Properties();
    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, api.broker().bootstrapServers());
    try (KafkaProducer<String, byte[]> producer =
        new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer())) {
      ErasureRequest request = ErasureRequest.of(ACME, second, "dpo@example.org", Instant.now());
      producer.send(new ProducerRecord<>(world.topics.erasure(), second, request.toJson())).get();
    }

    await()
        .atMost(Duration.ofSeconds(60))
        .until(() -> keys().stream().noneMatch(k -> k.startsWith(acmeBase)));
    assertThat(keys()).anyMatch(k -> k.startsWith(defaultBase + "day:"));
    assertThat(redis.hget(defaultBase + "latest", "heart_rate")).contains("\"value\":65");
    assertThat(
            api.get("/metrics/Patient/" + ResourceIds.patient(ACME, second), tokenOf(ACME))
                .statusCode())
        .isEqualTo(404);
  }

  private static WearableSample.Builder heartRate(Instant measured, int value) {
    return WearableSamples.healthKitHeartRate()
        .setUserId(USER)
        .setRecordId("hr-" + value)
        .setStartTime(measured)
        .setEndTime(measured)
        .setBody(HkQuantity.newBuilder().setValue(value).setUnit("count/min").build());
  }

  private static int latestHeartRate(String path, String token) throws Exception {
    var r = api.get(path, token);
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    return JSON.readTree(r.body()).path("latest").path("heart_rate").path("value").asInt();
  }

  private static String tokenOf(String tenant) {
    return api.sign(api.claims("system/*.rs").claim(Tenants.TOKEN_CLAIM, tenant).build());
  }

  private static TreeSet<String> keys() {
    TreeSet<String> keys = new TreeSet<>();
    ScanIterator.scan(redis, ScanArgs.Builder.matches(PREFIX + "*")).forEachRemaining(keys::add);
    // The writer's marker is the topology's, not a patient's.
    keys.removeIf(k -> k.startsWith(PREFIX + "writer:"));
    return keys;
  }

  private static void produce(String topic, WearableSample sample) {
    CliSamples.send(api.broker(), world.registryUrl(), topic, List.of(sample));
  }
}

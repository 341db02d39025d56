package io.fhirflow.topology.testing;

import io.fhirflow.contracts.RedisKeyLayout;
import io.fhirflow.mapping.FhirMapper;
import io.fhirflow.mapping.MappingCatalogue;
import io.fhirflow.schema.WearableSample;
import io.fhirflow.serde.SpecificAvroDeserializer;
import io.fhirflow.testkit.KafkaBroker;
import io.fhirflow.testkit.LocalServices;
import io.fhirflow.topology.FhirFlowApplication;
import io.fhirflow.topology.Topics;
import io.fhirflow.topology.TopologyConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * One test's topology application on a shared broker, for the topology's integration tests and the
 * end-to-end tests of other modules: its own topics ({@code raw-<id>}, {@code observation-<id>},
 * ...), application id, state directory, {@code mock://} registry scope and Redis key prefix, so
 * tests never see each other.
 */
public final class TopologyWorld {

  public final KafkaBroker broker;
  public final String id;
  public final Topics topics;

  /** The {@code mock://} registry scope of this world's serdes. */
  public final String registryScope;

  public final String redisPrefix;

  /** The keys the application writes under {@link #redisPrefix} (the contract's layout). */
  public final RedisKeyLayout redisKeys;

  public final Path stateDir;

  private final String applicationId;

  /**
   * @param name the test's name in the application id, registry scope and state directory
   * @param id what makes this world's topics and names unique
   * @param redisPrefix where the application writes its metrics view
   */
  public TopologyWorld(KafkaBroker broker, String name, String id, String redisPrefix) {
    this.broker = broker;
    this.id = id;
    this.topics =
        new Topics(
            "raw-" + id,
            "observation-" + id,
            "patient-" + id,
            "device-" + id,
            "dlq-" + id,
            "erasure-" + id,
            "audit-" + id);
    this.applicationId = name + "-" + id;
    this.registryScope = name + "-" + id;
    this.redisPrefix = redisPrefix;
    this.redisKeys = new RedisKeyLayout(redisPrefix);
    try {
      this.stateDir = Files.createTempDirectory(name + "-state");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** {@code mock://<registryScope>}. */
  public String registryUrl() {
    return "mock://" + registryScope;
  }

  /** Creates the application's topics and {@code more} (e.g. a tenant's raw topic). */
  public void createTopics(int partitions, String... more) {
    List<String> all =
        new ArrayList<>(
            List.of(
                topics.raw(),
                topics.observation(),
                topics.patient(),
                topics.device(),
                topics.deadLetter(),
                topics.erasure(),
                topics.audit()));
    all.addAll(List.of(more));
    broker.createTopics(partitions, all.toArray(new String[0]));
  }

  /**
   * The application's configuration on this world, as a file plus environment would give it: health
   * on a free port, commits every 100 ms; add or change keys before {@link #start}.
   */
  public Map<String, Object> config() {
    Map<String, Object> c = new HashMap<>();
    c.put(TopologyConfig.APPLICATION_ID_CONFIG, applicationId);
    c.put(TopologyConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
    c.put(TopologyConfig.STATE_DIR_CONFIG, stateDir.toString());
    c.put(TopologyConfig.SCHEMA_REGISTRY_URL_CONFIG, registryUrl());
    c.put(TopologyConfig.TOPIC_RAW_CONFIG, topics.raw());
    c.put(TopologyConfig.TOPIC_OBSERVATION_CONFIG, topics.observation());
    c.put(TopologyConfig.TOPIC_PATIENT_CONFIG, topics.patient());
    c.put(TopologyConfig.TOPIC_DEVICE_CONFIG, topics.device());
    c.put(TopologyConfig.TOPIC_DLQ_CONFIG, topics.deadLetter());
    c.put(TopologyConfig.TOPIC_ERASURE_CONFIG, topics.erasure());
    c.put(TopologyConfig.TOPIC_AUDIT_CONFIG, topics.audit());
    c.put(TopologyConfig.METRICS_REDIS_URL_CONFIG, LocalServices.redisUrl());
    c.put(TopologyConfig.METRICS_KEY_PREFIX_CONFIG, redisPrefix);
    c.put(TopologyConfig.HTTP_PORT_CONFIG, "0");
    c.put("kafka.commit.interval.ms", "100");
    return c;
  }

  /** The raw topic's value deserializer on this world's registry scope. */
  public Deserializer<WearableSample> deserializer() {
    SpecificAvroDeserializer<WearableSample> d =
        new SpecificAvroDeserializer<>(WearableSample.class);
    d.configure(Map.of("schema.registry.url", registryUrl()), false);
    return d;
  }

  /** Starts the application with the built-in catalogue on {@code config}. */
  public FhirFlowApplication start(Map<String, Object> config) {
    return start(config, new FhirMapper(MappingCatalogue.builtIn()), deserializer());
  }

  /** Starts the application on {@code config} with this mapper and raw deserializer. */
  public FhirFlowApplication start(
      Map<String, Object> config, FhirMapper mapper, Deserializer<WearableSample> deserializer) {
    return new FhirFlowApplication(
        new TopologyConfig(config), mapper, deserializer, Clock.systemUTC());
  }
}

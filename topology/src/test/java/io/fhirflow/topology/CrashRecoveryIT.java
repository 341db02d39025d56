package io.fhirflow.topology;

import static org.assertj.core.api.Assertions.assertThat;

import io.fhirflow.schema.WearableSample;
import io.fhirflow.testkit.BrokerPerClass;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The application killed with SIGKILL in the middle of a stream (its open transaction never commits
 * nor aborts by itself), then a new process started on a fresh state directory, which must restore
 * the dedupe state from the changelog. Read with read_committed, every sample must give its
 * Observation exactly once: nothing lost, nothing doubled, and copies of samples the first process
 * handled are still recognised as duplicates.
 */
class CrashRecoveryIT {

  @RegisterExtension static final BrokerPerClass kafka = new BrokerPerClass();

  @Test
  void aKilledProcessIsReplacedWithoutLosingOrDoublingAnyObservation() throws Exception {
    ItSetup it = new ItSetup(kafka.broker(), 2);
    Instant start = Instant.now();
    List<WearableSample> before = FhirFlowApplicationIT.heartRates(3000, start);
    List<WearableSample> after = new ArrayList<>();
    for (int i = 0; i < 1000; i++) {
      // Measured before they are sent: a sample starting beyond the clock-skew margin is rejected
      // as FUTURE_TIME.
      Instant t = start.minusSeconds(1000 - i);
      after.add(
          io.fhirflow.testkit.WearableSamples.healthKitHeartRate()
              .setUserId("user-" + (i % 20))
              .setRecordId("after-" + i)
              .setStartTime(t)
              .setEndTime(t)
              .build());
    }
    List<WearableSample> copies = before.subList(0, 500);
    it.produce(before);

    Process first = launch(it, it.stateDir, logFile("first"));
    try {
      awaitCommittedAtLeast(it, 800, Duration.ofSeconds(120));
    } finally {
      first.destroyForcibly().waitFor();
    }

    List<WearableSample> rest = new ArrayList<>(after);
    rest.addAll(copies);
    it.produce(rest);
    Path secondLog = logFile("second");
    Process second = launch(it, Files.createTempDirectory("topology-it-fresh"), secondLog);
    try {
      int expected = before.size() + after.size();
      List<ConsumerRecord<String, String>> out =
          readUntilDistinct(it.topics.observation(), expected, Duration.ofSeconds(240));
      Map<String, Long> copiesOf =
          out.stream().collect(Collectors.groupingBy(ConsumerRecord::value, Collectors.counting()));
      long doubled = copiesOf.values().stream().filter(n -> n > 1).count();
      // Why, when it fails: lost (never read within the time) and doubled are told apart, and the
      // second process's own log (INFO and above carries no health data) says what it was doing.
      String why =
          "distinct observations read "
              + copiesOf.size()
              + ", records read "
              + out.size()
              + ", observations read more than once "
              + doubled
              + "; second process log tail:\n"
              + tail(secondLog, 40);
      assertThat(copiesOf.size())
          .as("distinct observations (none lost): " + why)
          .isEqualTo(expected);
      assertThat(out.size())
          .as("observations read, doubles included (none doubled): " + why)
          .isEqualTo(expected);
    } finally {
      second.destroy();
      second.waitFor();
    }
  }

  private static Path logFile(String name) throws IOException {
    Path log =
        Path.of(
            "target",
            "crash-it-" + name + "-" + UUID.randomUUID().toString().substring(0, 6) + ".log");
    Files.createDirectories(log.getParent());
    return log;
  }

  private static String tail(Path file, int lines) {
    try {
      List<String> all = Files.readAllLines(file);
      return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    } catch (IOException e) {
      return "(log unreadable: " + e + ")";
    }
  }

  /**
   * Reads with read_committed until {@code expected} distinct Observations arrived (a replay gives
   * the same bytes, so a double is an equal value; the key is the patient's) or the time is up,
   * then one more second so that doubles behind them show up too. Counting records instead would
   * stop early when some are doubled and report the rest as lost.
   */
  private static List<ConsumerRecord<String, String>> readUntilDistinct(
      String topic, int expected, Duration timeout) {
    List<ConsumerRecord<String, String>> out = new ArrayList<>();
    Set<String> ids = new java.util.HashSet<>();
    try (KafkaConsumer<String, String> consumer =
        new KafkaConsumer<>(
            kafka.broker().consumerProps("reader-" + UUID.randomUUID()),
            new StringDeserializer(),
            new StringDeserializer())) {
      consumer.subscribe(List.of(topic));
      long deadline = System.nanoTime() + timeout.toNanos();
      while (ids.size() < expected && System.nanoTime() < deadline) {
        for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200))) {
          out.add(r);
          ids.add(r.value());
        }
      }
      consumer.poll(Duration.ofSeconds(1)).forEach(out::add);
    }
    return out;
  }

  private static Process launch(ItSetup it, Path stateDir, Path log) throws IOException {
    Properties props = new Properties();
    it.config().forEach((k, v) -> props.setProperty(k, v.toString()));
    props.setProperty(TopologyConfig.STATE_DIR_CONFIG, stateDir.toString());
    Path file = Files.createTempFile("topology-", ".properties");
    try (OutputStream out = Files.newOutputStream(file)) {
      props.store(out, null);
    }
    ProcessBuilder pb =
        new ProcessBuilder(
            Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-Xmx512m",
            "-cp",
            System.getProperty("java.class.path"),
            TopologyProcessMain.class.getName(),
            file.toString());
    Map<String, String> env = pb.environment();
    env.keySet()
        .removeIf(
            k ->
                k.startsWith(TopologyConfig.ENV_PREFIX)
                    || k.startsWith(TopologyConfig.KAFKA_ENV_PREFIX));
    env.put("FHIRFLOW_TEST_REGISTRY_SCOPE", it.registryScope);
    env.put("FHIRFLOW_TEST_RAW_SUBJECT", it.topics.raw() + ItSetup.RAW_SUBJECT_SUFFIX);
    return pb.redirectErrorStream(true).redirectOutput(log.toFile()).start();
  }

  private static void awaitCommittedAtLeast(ItSetup it, int n, Duration timeout) {
    int seen = 0;
    try (KafkaConsumer<String, String> consumer =
        new KafkaConsumer<>(
            kafka.broker().consumerProps("watch-" + UUID.randomUUID()),
            new StringDeserializer(),
            new StringDeserializer())) {
      consumer.subscribe(List.of(it.topics.observation()));
      long deadline = System.nanoTime() + timeout.toNanos();
      while (seen < n) {
        assertThat(System.nanoTime())
            .as("the first process committed %d observations in time", n)
            .isLessThan(deadline);
        seen += consumer.poll(Duration.ofMillis(100)).count();
      }
    }
  }
}

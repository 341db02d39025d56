package io.fhirflow.bench.sink;

import static org.assertj.core.api.Assertions.assertThat;

import io.fhirflow.testkit.KafkaBroker;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.sink.SinkRecord;
import org.apache.kafka.connect.sink.SinkTask;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The "Connect + broker" floor of the sink benchmark: its figure is the records the null sink's
 * group has committed, so every record the task is given must count as done.
 */
class NullSinkConnectorTest {

  @Test
  void everyTaskGetsTheConnectorsSettingsAndRunsTheDiscardTask() {
    NullSinkConnector connector = new NullSinkConnector();
    Map<String, String> props = Map.of("topics", "raw", "batch.size", "5000");
    connector.start(props);

    assertThat(connector.taskClass()).isEqualTo(NullSinkConnector.Discard.class);
    assertThat(connector.taskConfigs(3)).hasSize(3).containsOnly(props);
    // No settings of its own: the benchmark's connection.url and batch.size (shared with the real
    // sinks) are simply ignored.
    assertThat(connector.config().names()).isEmpty();
  }

  @Test
  void theTaskTakesEveryRecordItIsGivenAndOffersAllTheirOffsetsForCommit() throws Exception {
    SinkTask task =
        new NullSinkConnector()
            .taskClass()
            .asSubclass(SinkTask.class)
            .getDeclaredConstructor()
            .newInstance();
    task.start(Map.of());
    TopicPartition p0 = new TopicPartition("raw", 0);
    TopicPartition p1 = new TopicPartition("raw", 1);
    List<SinkRecord> records =
        IntStream.range(0, 10)
            .mapToObj(
                i ->
                    new SinkRecord(
                        "raw",
                        i % 2,
                        Schema.BYTES_SCHEMA,
                        new byte[] {(byte) i},
                        Schema.BYTES_SCHEMA,
                        new byte[] {1, 2, 3},
                        i / 2))
            .toList();

    task.put(records);
    task.put(List.of());
    Map<TopicPartition, OffsetAndMetadata> consumed =
        Map.of(p0, new OffsetAndMetadata(5), p1, new OffsetAndMetadata(5));

    // What the worker would commit after these puts: everything consumed, nothing held back.
    assertThat(task.preCommit(new HashMap<>(consumed))).isEqualTo(consumed);
    task.stop();
  }

  @Test
  void aConnectWorkerRunningItCommitsEveryRecordOfTheTopic(@TempDir Path dir) throws Exception {
    int records = 2_000;
    try (KafkaBroker broker = KafkaBroker.start()) {
      String topic = KafkaBroker.uniqueTopic("null-sink");
      broker.createTopics(2, topic);
      try (KafkaProducer<byte[], byte[]> producer =
          new KafkaProducer<>(
              broker.producerProps(), new ByteArraySerializer(), new ByteArraySerializer())) {
        for (int i = 0; i < records; i++) {
          producer.send(new ProducerRecord<>(topic, ("k" + i).getBytes(), new byte[64]));
        }
      }
      Path plugins = Files.createDirectories(dir.resolve("plugins"));
      try (ConnectWorker worker =
          new ConnectWorker(SinkBenchmark.workerProps(broker, plugins, 5000))) {
        Map<String, String> config = new HashMap<>();
        config.put("name", "null-sink");
        config.put("connector.class", NullSinkConnector.class.getName());
        config.put("topics", topic);
        config.put("tasks.max", "2");
        worker.put(config);

        long deadline = System.nanoTime() + 60_000_000_000L;
        long committed = 0;
        while (committed < records && System.nanoTime() < deadline) {
          Thread.sleep(200);
          committed = SinkBenchmark.committed(broker, "connect-null-sink");
        }
        assertThat(committed).as(worker.status("null-sink")).isEqualTo(records);
      }
    }
  }
}

package io.fhirflow.bench.faults;

import io.fhirflow.contracts.PipelineTopic;
import java.io.BufferedWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * The fault run's timeline, one CSV line a second until it is stopped: the raw topic's end offsets
 * (records in) and the topology's committed offsets on it (its lag), the FHIR topics' end offsets
 * and the sink's committed offsets (its lag), each topology instance's conservation counters and
 * each Connect worker's rows written. Offsets come from the broker, so the line survives any
 * instance's death; a value that cannot be read (the broker or a process is down) is left empty.
 *
 * <p>{@code FaultSampler --bootstrap-servers B --topology-ports p1,p2,.. --connect-metrics-ports
 * q1,q2 --out timeline.csv}
 */
public final class FaultSampler {

  static final String TOPOLOGY_GROUP = "fhirflow-topology";
  static final String SINK_GROUP = "connect-fhirflow-sink";
  private static final java.time.Duration SCRAPE_TIMEOUT = java.time.Duration.ofSeconds(3);

  /**
   * The conservation counters, then the Redis writer's lost values (values it counted as not
   * written).
   */
  static final String[] COUNTERS = {
    "in", "out", "duplicates", "updates", "dead_lettered", "deleted"
  };

  static final int COLUMNS_PER_INSTANCE = COUNTERS.length + 1;

  private FaultSampler() {}

  public static void main(String[] args) throws Exception {
    Map<String, String> options = Options.parse(args);
    List<Integer> topologyPorts = Options.ports(options.get("topology-ports"));
    List<Integer> connectPorts = Options.ports(options.getOrDefault("connect-metrics-ports", ""));
    Path out = Path.of(options.get("out"));
    Files.createDirectories(out.toAbsolutePath().getParent());
    Map<String, Object> config = new HashMap<>();
    config.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, options.get("bootstrap-servers"));
    config.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 900);
    config.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 900);
    config.put(AdminClientConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, 1000);
    try (Admin admin = Admin.create(config);
        BufferedWriter w = Files.newBufferedWriter(out, StandardCharsets.UTF_8)) {
      w.write(Timeline.header(topologyPorts.size(), connectPorts.size()));
      w.newLine();
      w.flush();
      Offsets offsets = new Offsets(admin);
      long next = System.currentTimeMillis();
      while (true) {
        long now = System.currentTimeMillis();
        // All scrapes at once, each with up to 3 s: a slow process delays the line, not the others'
        // values.
        List<CompletableFuture<Scrape>> topologyScrapes =
            topologyPorts.stream().map(p -> Scrape.of(p, SCRAPE_TIMEOUT)).toList();
        List<CompletableFuture<Scrape>> connectScrapes =
            connectPorts.stream().map(p -> Scrape.of(p, SCRAPE_TIMEOUT)).toList();
        List<String> cells = new ArrayList<>();
        cells.add(Long.toString(now));
        Long rawEnd = offsets.end(List.of(PipelineTopic.Names.RAW));
        cells.add(cell(rawEnd));
        cells.add(cell(offsets.committed(TOPOLOGY_GROUP, List.of(PipelineTopic.Names.RAW))));
        List<String> fhir =
            List.of(
                PipelineTopic.Names.OBSERVATION,
                PipelineTopic.Names.PATIENT,
                PipelineTopic.Names.DEVICE);
        cells.add(cell(offsets.end(fhir)));
        cells.add(cell(offsets.committed(SINK_GROUP, fhir)));
        for (CompletableFuture<Scrape> scrape : topologyScrapes) {
          Scrape s = scrape.join();
          if (s == Scrape.DOWN) {
            // Not running: the next answer is a new process whose counters start again from zero.
            for (int i = 0; i < COLUMNS_PER_INSTANCE; i++) {
              cells.add(Timeline.DOWN);
            }
            continue;
          }
          // A counter appears with its first increment (no dead letter yet: no series): answered
          // but absent is 0.
          for (String c : COUNTERS) {
            cells.add(s == null ? "" : orZero(s.sum("fhirflow_samples_" + c + "_total")));
          }
          cells.add(
              s == null ? "" : orZero(s.sum("fhirflow_redis_values_total", "outcome=\"lost\"")));
        }
        for (CompletableFuture<Scrape> scrape : connectScrapes) {
          Scrape s = scrape.join();
          cells.add(
              s == null || s == Scrape.DOWN
                  ? ""
                  : cell(s.sum("kafka_connect_plugins_rows_written")));
        }
        w.write(String.join(",", cells));
        w.newLine();
        w.flush();
        next += 1000;
        long sleep = next - System.currentTimeMillis();
        if (sleep > 0) {
          Thread.sleep(sleep);
        } else {
          next =
              System.currentTimeMillis(); // a slow round (broker down): no burst of catch-up lines
        }
      }
    }
  }

  private static String cell(Long v) {
    return v == null ? "" : Long.toString(v);
  }

  private static String cell(OptionalDouble v) {
    return v.isPresent() ? Long.toString((long) v.getAsDouble()) : "";
  }

  private static String orZero(OptionalDouble v) {
    return Long.toString(v.isPresent() ? (long) v.getAsDouble() : 0);
  }

  /**
   * End and committed offsets summed over every partition of some topics; null when the broker does
   * not answer.
   */
  static final class Offsets {
    private final Admin admin;
    private final Map<String, List<TopicPartition>> partitions = new HashMap<>();

    Offsets(Admin admin) {
      this.admin = admin;
    }

    Long end(List<String> topics) {
      try {
        Map<TopicPartition, OffsetSpec> request = new HashMap<>();
        for (TopicPartition tp : partitions(topics)) {
          request.put(tp, OffsetSpec.latest());
        }
        Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> result =
            admin.listOffsets(request).all().get(2, TimeUnit.SECONDS);
        return result.values().stream()
            .mapToLong(ListOffsetsResult.ListOffsetsResultInfo::offset)
            .sum();
      } catch (Exception e) {
        return null;
      }
    }

    Long committed(String group, List<String> topics) {
      try {
        Map<TopicPartition, OffsetAndMetadata> committed =
            admin
                .listConsumerGroupOffsets(group)
                .partitionsToOffsetAndMetadata()
                .get(2, TimeUnit.SECONDS);
        long sum = 0;
        for (TopicPartition tp : partitions(topics)) {
          OffsetAndMetadata o = committed.get(tp);
          sum += o == null ? 0 : o.offset();
        }
        return sum;
      } catch (Exception e) {
        return null;
      }
    }

    List<TopicPartition> partitions(List<String> topics) throws Exception {
      List<TopicPartition> all = new ArrayList<>();
      for (String topic : topics) {
        List<TopicPartition> known = partitions.get(topic);
        if (known == null) {
          TopicDescription d =
              admin
                  .describeTopics(List.of(topic))
                  .allTopicNames()
                  .get(2, TimeUnit.SECONDS)
                  .get(topic);
          known =
              d.partitions().stream().map(p -> new TopicPartition(topic, p.partition())).toList();
          partitions.put(topic, known);
        }
        all.addAll(known);
      }
      return all;
    }
  }
}

package io.fhirflow.bench.freshness;

import io.fhirflow.bench.BenchChart;
import io.fhirflow.cli.simulate.SimulatedRecord;
import io.fhirflow.cli.simulate.TrafficGenerator;
import io.fhirflow.contracts.FhirRecordHeaders;
import io.fhirflow.contracts.PipelineTopic;
import io.fhirflow.mapping.FhirMapper;
import io.fhirflow.mapping.FhirResource;
import io.fhirflow.mapping.Mapped;
import io.fhirflow.mapping.MappingCatalogue;
import io.fhirflow.schema.WearableSample;
import io.fhirflow.serde.SpecificAvroSerializer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Array;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * End-to-end freshness of a running pipeline (bench/run-freshness starts it): simulator samples
 * sent at a steady rate, and for each the moment it became visible at each stage, all timed by
 * this one process's monotonic clock:
 *
 * <ul>
 *   <li>send → its Observations committed on {@code fhir.r4.observation} (a read_committed
 *       consumer; the {@code fhirflow.sourceRecordId} header names the sample), every sample;
 *   <li>send → its row visible in PostgreSQL (primary-key polls every 100 ms, so ±50 ms), for one
 *       sample in {@code --pg-every}: polling every id would load the database it measures;
 *   <li>send → {@code GET Observation/{id}} answers 200 through the API, one sample a second.
 * </ul>
 *
 * Percentiles per minute and overall go to a markdown report and a PNG (BenchChart).
 */
public final class FreshnessProbe {

  private static final long POLL_MS = 100;

  private final Map<String, String> args;
  private final Map<String, Long> sentAt = new ConcurrentHashMap<>();
  private final Map<String, Long> pgPending = new ConcurrentHashMap<>();
  private final Map<String, Long> apiPending = new ConcurrentHashMap<>();
  private final ConcurrentLinkedQueue<long[]> topic = new ConcurrentLinkedQueue<>();
  private final ConcurrentLinkedQueue<long[]> store = new ConcurrentLinkedQueue<>();
  private final ConcurrentLinkedQueue<long[]> api = new ConcurrentLinkedQueue<>();
  private final AtomicBoolean sending = new AtomicBoolean(true);
  private final long start = System.nanoTime();

  private FreshnessProbe(Map<String, String> args) {
    this.args = args;
  }

  public static void main(String[] argv) throws Exception {
    Map<String, String> args = new HashMap<>(Map.of("rate", "1000", "seconds", "60", "users", "1000", "pg-every", "10",
        "drain-seconds", "120", "out", "target/freshness"));
    for (String a : argv) {
      String[] kv = a.replaceFirst("^--", "").split("=", 2);
      args.put(kv[0], kv.length > 1 ? kv[1] : "true");
    }
    new FreshnessProbe(args).run();
  }

  private long nowMs() {
    return (System.nanoTime() - start) / 1_000_000;
  }

  private void run() throws Exception {
    Thread consumer = daemon("topic", this::consumeTopic);
    Thread pg = daemon("postgres", this::pollPostgres);
    Thread http = args.containsKey("api") ? daemon("api", this::pollApi) : null;
    Thread.sleep(3000); // the consumer has its partitions and end offsets before the first send
    long sent = send();
    long deadline = nowMs() + Long.parseLong(args.get("drain-seconds")) * 1000;
    while ((sentAt.size() > 0 || !pgPending.isEmpty() || !apiPending.isEmpty()) && nowMs() < deadline) {
      Thread.sleep(200);
    }
    sending.set(false);
    consumer.join(5000);
    pg.join(5000);
    if (http != null) {
      http.join(5000);
    }
    report(sent);
  }

  /** Sends simulator samples (no duplicates or bad records: every one must arrive) at the rate. */
  private long send() throws Exception {
    int rate = Integer.parseInt(args.get("rate"));
    long seconds = Long.parseLong(args.get("seconds"));
    int pgEvery = Integer.parseInt(args.get("pg-every"));
    Map<String, Object> config = new HashMap<>();
    config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, args.get("bootstrap"));
    config.put("schema.registry.url", args.get("registry"));
    config.put("auto.register.schemas", "true");
    // What docs/operations.md tells a gateway: idempotent, acks=all, a short linger.
    config.put(ProducerConfig.ACKS_CONFIG, "all");
    config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
    config.put(ProducerConfig.LINGER_MS_CONFIG, "5");
    config.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
    SpecificAvroSerializer<WearableSample> serializer = new SpecificAvroSerializer<>();
    serializer.configure(config, false);
    TrafficGenerator traffic = new TrafficGenerator(Integer.parseInt(args.get("users")), 20261205L, Clock.systemUTC(),
        Duration.ZERO, new TrafficGenerator.Mix(0, 0, 0, 0));
    FhirMapper mapper = new FhirMapper(MappingCatalogue.builtIn());
    long sent = 0;
    long lastApi = -1;
    try (KafkaProducer<String, WearableSample> producer = new KafkaProducer<>(config, new StringSerializer(), serializer)) {
      long begin = nowMs();
      long end = begin + seconds * 1000;
      while (nowMs() < end) {
        long due = (nowMs() - begin) * rate / 1000;
        while (sent < due) {
          if (!(traffic.next() instanceof SimulatedRecord.Sample s)) {
            continue;
          }
          WearableSample sample = s.sample();
          long at = nowMs();
          sentAt.put(sample.getRecordId(), at);
          if (sent % pgEvery == 0 || at / 1000 != lastApi) {
            if (mapper.map(sample, false) instanceof Mapped mapped && !mapped.observations().isEmpty()) {
              FhirResource first = mapped.observations().get(0);
              if (sent % pgEvery == 0) {
                pgPending.put(first.id(), at);
              }
              if (at / 1000 != lastApi && args.containsKey("api")) {
                apiPending.put(first.id(), at);
                lastApi = at / 1000;
              }
            }
          }
          producer.send(new ProducerRecord<>(PipelineTopic.Names.RAW, sample.getUserId(), sample));
          sent++;
        }
        Thread.sleep(5);
      }
      producer.flush();
    }
    return sent;
  }

  private void consumeTopic() {
    Map<String, Object> config = new HashMap<>();
    config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, args.get("bootstrap"));
    config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(config, new StringDeserializer(), new ByteArrayDeserializer())) {
      List<TopicPartition> partitions = consumer.partitionsFor(PipelineTopic.Names.OBSERVATION).stream()
          .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
      consumer.assign(partitions);
      consumer.seekToEnd(partitions);
      partitions.forEach(consumer::position);
      while (sending.get()) {
        for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(50))) {
          Header h = r.headers().lastHeader(FhirRecordHeaders.SOURCE_RECORD_ID);
          Long at = h == null ? null : sentAt.remove(new String(h.value(), StandardCharsets.UTF_8));
          if (at != null) {
            topic.add(new long[] {at, nowMs() - at});
          }
        }
      }
    }
  }

  private void pollPostgres() {
    while (sending.get()) {
      try (Connection c = DriverManager.getConnection(args.get("jdbc"));
          PreparedStatement ps = c.prepareStatement("SELECT id FROM fhir_observation WHERE id = ANY (?)")) {
        while (sending.get()) {
          if (!pgPending.isEmpty()) {
            Array ids = c.createArrayOf("text", pgPending.keySet().toArray());
            ps.setArray(1, ids);
            try (ResultSet rs = ps.executeQuery()) {
              long now = nowMs();
              while (rs.next()) {
                Long at = pgPending.remove(rs.getString(1));
                if (at != null) {
                  store.add(new long[] {at, now - at});
                }
              }
            }
          }
          Thread.sleep(POLL_MS);
        }
      } catch (java.sql.SQLException e) {
        // The sink creates the table with its first batch; a restarting database answers later.
        sleepQuietly(POLL_MS * 5);
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  private static void sleepQuietly(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void pollApi() {
    HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    while (sending.get()) {
      for (Map.Entry<String, Long> e : List.copyOf(apiPending.entrySet())) {
        try {
          HttpResponse<Void> response = client.send(HttpRequest.newBuilder(URI.create(args.get("api") + "/fhir/Observation/" + e.getKey()))
              .header("Authorization", "Bearer " + args.get("token")).GET().build(), HttpResponse.BodyHandlers.discarding());
          if (response.statusCode() == 200) {
            apiPending.remove(e.getKey());
            api.add(new long[] {e.getValue(), nowMs() - e.getValue()});
          }
        } catch (Exception ex) {
          // The API restarting or busy: the next round asks again.
        }
      }
      try {
        Thread.sleep(POLL_MS);
      } catch (InterruptedException ie) {
        return;
      }
    }
  }

  private void report(long sent) throws Exception {
    Path out = Path.of(args.get("out"));
    Files.createDirectories(out);
    Map<String, List<long[]>> stages = new LinkedHashMap<>();
    stages.put("send → Observation committed on the FHIR topic", List.copyOf(topic));
    stages.put("send → row in PostgreSQL (1 sample in " + args.get("pg-every") + ")", List.copyOf(store));
    if (args.containsKey("api")) {
      stages.put("send → GET Observation/{id} 200 (1 sample a second)", List.copyOf(api));
    }
    StringBuilder md = new StringBuilder(String.format(Locale.ROOT,
        "%,d samples sent at %s/s for %s s by %s users; not seen on the topic after the drain: %,d; not in PostgreSQL: %,d%n%n",
        sent, args.get("rate"), args.get("seconds"), args.get("users"), sentAt.size(), pgPending.size()));
    md.append("| stage | samples | p50 | p90 | p99 | max |\n|---|---:|---:|---:|---:|---:|\n");
    Map<String, double[][]> plot = new LinkedHashMap<>();
    for (Map.Entry<String, List<long[]>> e : stages.entrySet()) {
      long[] ms = e.getValue().stream().mapToLong(v -> v[1]).toArray();
      md.append(row(e.getKey(), ms));
      if (ms.length > 0) {
        plot.put(e.getKey(), BenchChart.percentilePoints(ms));
      }
    }
    md.append("\nPer minute of sending (by send time):\n\n| minute | stage | samples | p50 | p99 | max |\n|---|---|---:|---:|---:|---:|\n");
    for (Map.Entry<String, List<long[]>> e : stages.entrySet()) {
      Map<Long, List<Long>> byMinute = new java.util.TreeMap<>();
      for (long[] v : e.getValue()) {
        byMinute.computeIfAbsent((v[0] - 3000) / 60_000, k -> new ArrayList<>()).add(v[1]);
      }
      byMinute.forEach((minute, values) -> md.append("| ").append(minute + 1).append(' ')
          .append(row(e.getKey(), values.stream().mapToLong(Long::longValue).toArray())));
    }
    Files.writeString(out.resolve("freshness.md"), md);
    BenchChart.percentiles(out.resolve("freshness.png"), "End-to-end freshness at " + args.get("rate") + " samples/s", plot);
    System.out.print(md);
  }

  private static String row(String stage, long[] ms) {
    if (ms.length == 0) {
      return "| " + stage + " | 0 | - | - | - | - |\n";
    }
    long[] sorted = ms.clone();
    java.util.Arrays.sort(sorted);
    return String.format(Locale.ROOT, "| %s | %,d | %,d ms | %,d ms | %,d ms | %,d ms |%n", stage, ms.length,
        pct(sorted, 50), pct(sorted, 90), pct(sorted, 99), sorted[sorted.length - 1]);
  }

  private static long pct(long[] sorted, double p) {
    return sorted[(int) Math.min(sorted.length - 1, Math.max(0, Math.ceil(p / 100 * sorted.length) - 1))];
  }

  private static Thread daemon(String name, Runnable body) {
    Thread t = new Thread(body, "freshness-" + name);
    t.setDaemon(true);
    t.start();
    return t;
  }
}

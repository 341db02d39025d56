package io.fhirflow.bench.freshness;

import io.fhirflow.bench.BenchChart;
import io.fhirflow.bench.BenchOptions;
import io.fhirflow.cli.broker.TopicTail;
import io.fhirflow.cli.simulate.SimulatedRecord;
import io.fhirflow.cli.simulate.TrafficGenerator;
import io.fhirflow.contracts.FhirRecordHeaders;
import io.fhirflow.contracts.PipelineTopic;
import io.fhirflow.mapping.FhirMapper;
import io.fhirflow.mapping.FhirResource;
import io.fhirflow.mapping.Mapped;
import io.fhirflow.mapping.MappingCatalogue;
import io.fhirflow.schema.WearableSample;
import io.fhirflow.store.StoreTables;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
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
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * End-to-end freshness of a running pipeline (bench/run-freshness starts it): simulator samples
 * sent at a steady rate, and for each the moment it became visible at each stage, all timed by this
 * one process's monotonic clock:
 *
 * <ul>
 *   <li>send → its Observations committed on {@code fhir.r4.observation} (a read_committed
 *       consumer; the {@code fhirflow.sourceRecordId} header names the sample), every sample;
 *   <li>send → its row committed in PostgreSQL (the commit timestamp of the row's transaction), for
 *       one sample in {@code --pg-every}, and for the same samples FHIR topic → row (the sink's
 *       part);
 *   <li>send → {@code GET Observation/{id}} answers 200 through the API, one sample a second, each
 *       asked every 100 ms while under 2 s old, then every 5 % of its age ({@link ApiPollSchedule}:
 *       asking every 100 ms until visible made the probe the API's main load).
 * </ul>
 *
 * Percentiles per minute and overall go to a markdown report and a PNG (BenchChart). With {@code
 * --warmup-seconds} the same rate is sent for that long first and not timed: a pipeline that has
 * just started spends its first tens of CPU-seconds compiling its processing path (JIT), which a
 * long-running deployment paid once, and the backlog that builds meanwhile is not the steady rate's
 * latency.
 */
public final class FreshnessProbe {

  private static final long POLL_MS = 100;
  private static final long PG_LOOKUP_MS = 1000;
  private static final int PG_LOOKUP_IDS = 2000;

  private final Map<String, String> args;
  private final Map<String, Long> sentAt = new ConcurrentHashMap<>();

  /** The sink's tables, and with --compare-jdbc a second connector's, fed the same records. */
  private final List<Store> stores = new ArrayList<>();

  /** Observation id polled in the API → when its sample was sent. */
  private final Map<String, Long> apiPending = new ConcurrentHashMap<>();

  /** Observation id polled in the API → when to ask again (ApiPollSchedule). */
  private final Map<String, Long> apiNextPoll = new ConcurrentHashMap<>();

  /** GETs the probe sent to the API: its own load on the API (and so on the cores it measures). */
  private final AtomicLong apiRequests = new AtomicLong();

  /** Sample record id → the Observation id polled in PostgreSQL, for the samples polled there. */
  private final Map<String, String> pgObservationOf = new ConcurrentHashMap<>();

  /** Observation id polled in PostgreSQL → when its sample was seen committed on the FHIR topic. */
  private final Map<String, Long> topicSeenAt = new ConcurrentHashMap<>();

  /** 1-minute load average every 5 s: [ms since start, load × 100]. */
  private final ConcurrentLinkedQueue<long[]> load = new ConcurrentLinkedQueue<>();

  private final ConcurrentLinkedQueue<long[]> topic = new ConcurrentLinkedQueue<>();
  private final ConcurrentLinkedQueue<long[]> api = new ConcurrentLinkedQueue<>();
  private final AtomicBoolean sending = new AtomicBoolean(true);
  private final ProbeClock clock = new ProbeClock();

  /** Maps a sample as the topology does, for the id of the Observation to look up. */
  private final FhirMapper mapper = new FhirMapper(MappingCatalogue.builtIn());

  private FreshnessProbe(Map<String, String> args) {
    this.args = args;
    stores.add(new Store(args.getOrDefault("label", "sink"), args.get("jdbc")));
    if (args.containsKey("compare-jdbc")) {
      stores.add(
          new Store(args.getOrDefault("compare-label", "compared sink"), args.get("compare-jdbc")));
    }
  }

  public static void main(String[] argv) throws Exception {
    Map<String, String> args =
        BenchOptions.flags(
            argv,
            "rate=1000,seconds=60,warmup-seconds=0,users=1000,pg-every=10,drain-seconds=120,out=target/freshness");
    if (args.containsKey("batches-only")) {
      System.out.print(sinkBatches(Path.of(args.get("batches-only"))));
      return;
    }
    new FreshnessProbe(args).run();
  }

  private long nowMs() {
    return clock.nowMs();
  }

  private void run() throws Exception {
    Thread consumer = daemon("topic", this::consumeTopic);
    List<Thread> pg = stores.stream().map(st -> daemon("postgres-" + st.label, st::poll)).toList();
    Thread http = args.containsKey("api") ? daemon("api", this::pollApi) : null;
    daemon("load", this::sampleLoad);
    Thread.sleep(3000); // the consumer has its partitions and end offsets before the first send
    long sent = send();
    long deadline = nowMs() + Long.parseLong(args.get("drain-seconds")) * 1000;
    while ((sentAt.size() > 0
            || stores.stream().anyMatch(st -> !st.pending.isEmpty())
            || !apiPending.isEmpty())
        && nowMs() < deadline) {
      Thread.sleep(200);
    }
    sending.set(false);
    consumer.join(5000);
    for (Thread t : pg) {
      t.join(5000);
    }
    if (http != null) {
      http.join(5000);
    }
    report(sent);
  }

  /** Sends simulator samples (no duplicates or bad records: every one must arrive) at the rate. */
  private long send() throws Exception {
    int rate = Integer.parseInt(args.get("rate"));
    long seconds = Long.parseLong(args.get("seconds"));
    long warmupMs = Long.parseLong(args.get("warmup-seconds")) * 1000;
    int pgEvery = Integer.parseInt(args.get("pg-every"));
    TrafficGenerator traffic =
        new TrafficGenerator(
            Integer.parseInt(args.get("users")),
            20261205L,
            Clock.systemUTC(),
            Duration.ZERO,
            new TrafficGenerator.Mix(0, 0, 0, 0));
    long sent = 0;
    long lastApi = -1;
    // What docs/operations.md tells a gateway: a short linger.
    try (KafkaProducer<String, WearableSample> producer =
        GatewayProducer.open(
            args.get("bootstrap"),
            args.get("registry"),
            Map.of(ProducerConfig.LINGER_MS_CONFIG, "5"))) {
      long begin = nowMs();
      long timedFrom = begin + warmupMs;
      long end = timedFrom + seconds * 1000;
      long warmupSent = 0;
      while (nowMs() < end) {
        long due = (nowMs() - begin) * rate / 1000;
        while (warmupSent + sent < due) {
          if (!(traffic.next() instanceof SimulatedRecord.Sample s)) {
            continue;
          }
          WearableSample sample = s.sample();
          long at = nowMs();
          boolean timed = at >= timedFrom;
          if (timed && track(sample, sent, at, pgEvery, lastApi)) {
            lastApi = at / 1000;
          }
          producer.send(new ProducerRecord<>(PipelineTopic.Names.RAW, sample.getUserId(), sample));
          if (timed) {
            sent++;
          } else {
            warmupSent++;
          }
        }
        Thread.sleep(5);
      }
      producer.flush();
    }
    return sent;
  }

  /**
   * Remembers when a timed sample was sent: every one for the topic, one in {@code pgEvery} for
   * PostgreSQL, and the first of each second (its second differs from {@code lastApi}) for the API.
   *
   * @return whether the API polls this sample's Observation
   */
  private boolean track(WearableSample sample, long sequence, long at, int pgEvery, long lastApi) {
    sentAt.put(sample.getRecordId(), at);
    boolean forPg = sequence % pgEvery == 0;
    boolean forApi = at / 1000 != lastApi && args.containsKey("api");
    if ((forPg || forApi)
        && mapper.map(sample, false) instanceof Mapped mapped
        && !mapped.observations().isEmpty()) {
      FhirResource first = mapped.observations().get(0);
      if (forPg) {
        pgObservationOf.put(sample.getRecordId(), first.id());
        for (Store store : stores) {
          store.expect(sequence, first.id(), at);
        }
      }
      if (forApi) {
        apiPending.put(first.id(), at);
        return true;
      }
    }
    return false;
  }

  private void consumeTopic() {
    Map<String, Object> config = new HashMap<>();
    config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, args.get("bootstrap"));
    config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    try (KafkaConsumer<String, byte[]> consumer =
        new KafkaConsumer<>(config, new StringDeserializer(), new ByteArrayDeserializer())) {
      TopicTail.assignAtEnd(consumer, PipelineTopic.Names.OBSERVATION);
      while (sending.get()) {
        for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(50))) {
          Header h = r.headers().lastHeader(FhirRecordHeaders.SOURCE_RECORD_ID);
          String recordId = h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
          Long at = recordId == null ? null : sentAt.remove(recordId);
          if (at != null) {
            long now = nowMs();
            topic.add(new long[] {at, now - at});
            String observation = pgObservationOf.remove(recordId);
            if (observation != null) {
              topicSeenAt.put(observation, now);
            }
          }
        }
      }
    }
  }

  /** One sink's table, where the sampled Observations are looked up. */
  private final class Store {
    final String label;
    final String jdbc;
    final Map<String, Long> pending = new ConcurrentHashMap<>();

    /** The same ids in the order they were sent, for the lookups: oldest first. */
    final java.util.concurrent.ConcurrentSkipListMap<Long, String> order =
        new java.util.concurrent.ConcurrentSkipListMap<>();

    final ConcurrentLinkedQueue<long[]> rows = new ConcurrentLinkedQueue<>();
    final ConcurrentLinkedQueue<long[]> sinkPart = new ConcurrentLinkedQueue<>();

    Store(String label, String jdbc) {
      this.label = label;
      this.jdbc = jdbc;
    }

    void expect(long sequence, String id, long sentAtMs) {
      pending.put(id, sentAtMs);
      order.put(sequence, id);
    }

    /**
     * Finds the sampled Observations in PostgreSQL with their commit time ({@code
     * track_commit_timestamp}, which bench/run-freshness turns on in its private instance): the
     * time a row became readable is exact whenever it is looked up, so one bounded query a second
     * (the oldest pending ids first) is enough and the probe does not load the database it
     * measures. The first version polled every pending id every 100 ms; with a backlog that query
     * alone took up to 11 s in PostgreSQL.
     */
    void poll() {
      while (sending.get()) {
        try (Connection c = DriverManager.getConnection(jdbc);
            PreparedStatement ps =
                c.prepareStatement(
                    "SELECT id, (extract(epoch FROM pg_xact_commit_timestamp(xmin)) * 1000)::bigint"
                        + " FROM "
                        + StoreTables.OBSERVATION
                        + " WHERE id = ANY (?)")) {
          while (sending.get()) {
            List<String> oldest = order.values().stream().limit(PG_LOOKUP_IDS).toList();
            if (!oldest.isEmpty()) {
              ps.setArray(1, c.createArrayOf("text", oldest.toArray()));
              try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                  found(rs.getString(1), clock.fromWallMs(rs.getLong(2)));
                }
              }
            }
            Thread.sleep(PG_LOOKUP_MS);
          }
        } catch (java.sql.SQLException e) {
          // The sink creates the table with its first batch; a restarting database answers later.
          sleepQuietly(PG_LOOKUP_MS);
        } catch (InterruptedException e) {
          return;
        }
      }
    }

    /** A sampled Observation committed in PostgreSQL at {@code committedMs} (probe time). */
    private void found(String id, long committedMs) {
      Long at = pending.remove(id);
      if (at == null) {
        return;
      }
      order.values().remove(id);
      rows.add(new long[] {at, committedMs - at});
      Long onTopic = topicSeenAt.get(id);
      if (onTopic != null) {
        sinkPart.add(new long[] {at, committedMs - onTopic});
      }
    }
  }

  private void sampleLoad() {
    while (sending.get()) {
      try {
        String avg = Files.readString(Path.of("/proc/loadavg")).split(" ")[0];
        load.add(new long[] {nowMs(), Math.round(Double.parseDouble(avg) * 100)});
      } catch (java.io.IOException | RuntimeException e) {
        return; // not Linux: the report says the load is unknown
      }
      sleepQuietly(5000);
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
        long now = nowMs();
        if (now < apiNextPoll.getOrDefault(e.getKey(), 0L)) {
          continue;
        }
        apiNextPoll.put(e.getKey(), ApiPollSchedule.nextPollMs(e.getValue(), now));
        apiRequests.incrementAndGet();
        try {
          HttpResponse<Void> response =
              client.send(
                  HttpRequest.newBuilder(
                          URI.create(args.get("api") + "/fhir/Observation/" + e.getKey()))
                      .header("Authorization", "Bearer " + args.get("token"))
                      .GET()
                      .build(),
                  HttpResponse.BodyHandlers.discarding());
          if (response.statusCode() == 200) {
            apiPending.remove(e.getKey());
            apiNextPoll.remove(e.getKey());
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
    for (Store st : stores) {
      String of = stores.size() > 1 ? " [" + st.label + "]" : "";
      stages.put(
          "send → row in PostgreSQL (1 sample in " + args.get("pg-every") + ")" + of,
          List.copyOf(st.rows));
      stages.put(
          "  of which FHIR topic → row in PostgreSQL (the sink)" + of, List.copyOf(st.sinkPart));
    }
    if (args.containsKey("api")) {
      stages.put("send → GET Observation/{id} 200 (1 sample a second)", List.copyOf(api));
    }
    StringBuilder md =
        new StringBuilder(
            String.format(
                Locale.ROOT,
                "%,d samples sent at %s/s for %s s (after %s s of warm-up at that rate, not timed) by %s users;"
                    + " not seen on the topic after the drain: %,d; not in PostgreSQL: %,d%n%n",
                sent,
                args.get("rate"),
                args.get("seconds"),
                args.get("warmup-seconds"),
                args.get("users"),
                sentAt.size(),
                stores.stream().mapToInt(st -> st.pending.size()).sum()));
    md.append(loadLine()).append("\n\n");
    if (args.containsKey("api")) {
      md.append(
          String.format(
              Locale.ROOT,
              "GETs of Observation/{id} the probe sent to the API (each pending id every 100 ms, or"
                  + " every 5 %% of its age once older than 2 s): %,d%n%n",
              apiRequests.get()));
    }
    md.append("| stage | samples | p50 | p90 | p99 | max |\n|---|---:|---:|---:|---:|---:|\n");
    Map<String, double[][]> plot = new LinkedHashMap<>();
    for (Map.Entry<String, List<long[]>> e : stages.entrySet()) {
      long[] ms = e.getValue().stream().mapToLong(v -> v[1]).toArray();
      md.append(row(e.getKey(), ms));
      if (ms.length > 0) {
        plot.put(e.getKey(), BenchChart.percentilePoints(ms));
      }
    }
    md.append(
        "\nPer minute of sending (by send time):\n\n| minute | stage | samples | p50 | p90 | p99 | max |\n|---|---|---:|---:|---:|---:|---:|\n");
    for (Map.Entry<String, List<long[]>> e : stages.entrySet()) {
      Map<Long, List<Long>> byMinute = new java.util.TreeMap<>();
      for (long[] v : e.getValue()) {
        byMinute.computeIfAbsent((v[0] - 3000) / 60_000, k -> new ArrayList<>()).add(v[1]);
      }
      byMinute.forEach(
          (minute, values) ->
              md.append("| ")
                  .append(minute + 1)
                  .append(' ')
                  .append(row(e.getKey(), values.stream().mapToLong(Long::longValue).toArray())));
    }
    if (args.containsKey("sink-log")) {
      md.append(sinkBatches(Path.of(args.get("sink-log"))));
    }
    Files.writeString(out.resolve("freshness.md"), md);
    BenchChart.percentiles(
        out.resolve("freshness.png"),
        "End-to-end freshness at " + args.get("rate") + " samples/s",
        plot);
    System.out.print(md);
  }

  private static final java.util.regex.Pattern BATCH_LINE =
      java.util.regex.Pattern.compile(
          "batch committed reason=([\\w-]+) records=(\\d+) rows=(\\d+) changed=\\d+ arrivalAgeMaxMs=(-?\\d+)"
              + " bufferedMs=(-?\\d+) writeMs=(-?\\d+) oldestAgeMs=(-?\\d+)");

  /**
   * Where the sink's time went, from the task's DEBUG line per batch (FhirSinkTask): how old the
   * batch's records were when put() got them, how long the batch waited in the buffer, how long its
   * transaction took, and how old its oldest record was at the commit.
   */
  static String sinkBatches(Path sinkLog) throws java.io.IOException {
    java.util.regex.Pattern thread =
        java.util.regex.Pattern.compile("\\[task-thread-(.+?)-\\d+\\]");
    Map<String, Map<String, Integer>> reasons = new java.util.TreeMap<>();
    Map<String, List<long[]>> batches = new java.util.TreeMap<>();
    try (var lines = Files.lines(sinkLog)) {
      lines.forEach(
          line -> {
            java.util.regex.Matcher m = BATCH_LINE.matcher(line);
            if (m.find()) {
              java.util.regex.Matcher t = thread.matcher(line);
              String connector = t.find() ? t.group(1) : "?";
              reasons
                  .computeIfAbsent(connector, c -> new java.util.TreeMap<>())
                  .merge(m.group(1), 1, Integer::sum);
              batches
                  .computeIfAbsent(connector, c -> new ArrayList<>())
                  .add(
                      new long[] {
                        Long.parseLong(m.group(2)),
                        Long.parseLong(m.group(3)),
                        Long.parseLong(m.group(4)),
                        Long.parseLong(m.group(5)),
                        Long.parseLong(m.group(6)),
                        Long.parseLong(m.group(7))
                      });
            }
          });
    }
    StringBuilder md = new StringBuilder();
    String[] names = {
      "records taken",
      "rows written",
      "oldest record's age when put() got it (ms)",
      "waited in the buffer (ms)",
      "transaction (ms)",
      "oldest record's age at commit (ms)"
    };
    batches.forEach(
        (connector, list) -> {
          md.append(
              String.format(
                  Locale.ROOT,
                  "%nSink batches of connector %s (the task's DEBUG line per batch): %,d batches,"
                      + " written because %s%n%n| per batch | p50 | p90 | p99 | max |%n|---|---:|---:|---:|---:|%n",
                  connector,
                  list.size(),
                  reasons.get(connector)));
          for (int i = 0; i < names.length; i++) {
            int column = i;
            long[] sorted = list.stream().mapToLong(v -> v[column]).sorted().toArray();
            md.append(
                String.format(
                    Locale.ROOT,
                    "| %s | %,d | %,d | %,d | %,d |%n",
                    names[i],
                    pct(sorted, 50),
                    pct(sorted, 90),
                    pct(sorted, 99),
                    sorted[sorted.length - 1]));
          }
        });
    return md.length() == 0 ? "\nNo batch lines in " + sinkLog.getFileName() + "\n" : md.toString();
  }

  private String loadLine() {
    List<long[]> samples = List.copyOf(load);
    if (samples.isEmpty()) {
      return "Load average: unknown.";
    }
    long min = samples.stream().mapToLong(v -> v[1]).min().orElseThrow();
    long max = samples.stream().mapToLong(v -> v[1]).max().orElseThrow();
    double mean = samples.stream().mapToLong(v -> v[1]).average().orElseThrow();
    return String.format(
        Locale.ROOT,
        "1-minute load average during the run (every 5 s, %d readings, 2 cores): min %.1f, mean %.1f, max %.1f.",
        samples.size(),
        min / 100.0,
        mean / 100.0,
        max / 100.0);
  }

  private static String row(String stage, long[] ms) {
    if (ms.length == 0) {
      return "| " + stage + " | 0 | - | - | - | - |\n";
    }
    long[] sorted = ms.clone();
    java.util.Arrays.sort(sorted);
    return String.format(
        Locale.ROOT,
        "| %s | %,d | %,d ms | %,d ms | %,d ms | %,d ms |%n",
        stage,
        ms.length,
        pct(sorted, 50),
        pct(sorted, 90),
        pct(sorted, 99),
        sorted[sorted.length - 1]);
  }

  private static long pct(long[] sorted, double p) {
    return sorted[
        (int) Math.min(sorted.length - 1, Math.max(0, Math.ceil(p / 100 * sorted.length) - 1))];
  }

  private static Thread daemon(String name, Runnable body) {
    Thread t = new Thread(body, "freshness-" + name);
    t.setDaemon(true);
    t.start();
    return t;
  }
}

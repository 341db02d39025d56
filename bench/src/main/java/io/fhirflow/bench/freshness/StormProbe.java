package io.fhirflow.bench.freshness;

import io.fhirflow.bench.BenchOptions;
import io.fhirflow.bench.SqlValue;
import io.fhirflow.bench.capacity.CapacityInputs;
import io.fhirflow.bench.faults.FaultTimelineChart;
import io.fhirflow.bench.faults.Timeline;
import io.fhirflow.contracts.PipelineTopic;
import io.fhirflow.mapping.FhirMapper;
import io.fhirflow.mapping.Mapped;
import io.fhirflow.mapping.MappingCatalogue;
import io.fhirflow.schema.WearableSample;
import io.fhirflow.store.StoreTables;
import io.fhirflow.testkit.Datasets;
import io.fhirflow.testkit.TopicOffsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;

/**
 * The sync storm (issue 20, item 2) against a running pipeline (bench/run-storm starts it): {@code
 * --users} users each upload {@code --per-user} samples at once (one sync), the users' syncs spread
 * evenly over {@code --window-seconds}. Each user's samples are the real export's complete days
 * (CapacityInputs' export and importer) in time order, renamed to the user, so the mix of types,
 * sources and sizes is a real watch-wearer's. The producer is configured as docs/serde.md tells a
 * gateway.
 *
 * <p>Measured: per second, records in, samples the topology committed and rows the sink inserted,
 * and both consumer lags (the plot); when the topology and the sink drained; send → row committed
 * in PostgreSQL (commit timestamps, one sample in {@code --sample-every}) per minute of sending;
 * the topology's heap from its GC log. Writes storm.md and storm.png into {@code --out}.
 */
public final class StormProbe {

  private static final String TOPOLOGY_GROUP = "fhirflow-topology";
  private static final String SINK_GROUP = "connect-fhirflow-sink";
  private static final Pattern GC_PAUSE = Pattern.compile("(\\d+)M->(\\d+)M\\((\\d+)M\\)");

  private final Map<String, String> args;
  private final ProbeClock clock = new ProbeClock();

  /** Observation id of a sampled sample → when it was sent (probe ms). */
  private final Map<String, Long> sampled = new ConcurrentHashMap<>();

  private final List<Timeline.Point> points = new CopyOnWriteArrayList<>();
  private final AtomicBoolean sampling = new AtomicBoolean(true);
  private volatile long lastSendMs = -1;
  private volatile long topologyDrainedMs = -1;
  private volatile long firstSendMs = -1;

  /** When the rows counter last moved (probe ms). */
  private volatile long rowsMovedMs = -1;

  private StormProbe(Map<String, String> args) {
    this.args = args;
  }

  public static void main(String[] argv) throws Exception {
    Map<String, String> args =
        BenchOptions.flags(
            argv,
            "users=1000,per-user=1500,window-seconds=60,sample-every=20,drain-seconds=1800,steady-rate=1000,out=target/storm,export=apple-health-v11-garmin-iphone/export.xml");
    new StormProbe(args).run();
  }

  private long nowMs() {
    return clock.nowMs();
  }

  private void run() throws Exception {
    List<WearableSample> day = backlog(Integer.parseInt(args.get("per-user")));
    int users = Integer.parseInt(args.get("users"));
    try (Admin admin = Admin.create(Map.of("bootstrap.servers", args.get("bootstrap")))) {
      Thread sampler = new Thread(() -> sample(admin), "storm-sampler");
      sampler.setDaemon(true);
      sampler.start();
      long sent = send(day, users);
      long deadline = nowMs() + Long.parseLong(args.get("drain-seconds")) * 1000;
      // Drained: the topology has committed every raw record and no row was inserted for 15 s.
      while (nowMs() < deadline && !(topologyDrainedMs >= 0 && nowMs() - rowsMovedMs > 15_000)) {
        Thread.sleep(1000);
      }
      Thread.sleep(3000); // the last points after the drain, for the plot
      sampling.set(false);
      sampler.join(5000);
      report(sent, day.size(), users);
    }
  }

  /**
   * The samples of the export's complete days (CapacityInputs' rule: 200 or more a day) in time
   * order, cycled to {@code perUser}; a real day of the watch-wearer is ~711 samples, so 1,500 is
   * about two days.
   */
  private List<WearableSample> backlog(int perUser) throws Exception {
    List<WearableSample> all =
        CapacityInputs.read(Datasets.root().resolve(args.get("export")), "storm-template");
    Map<LocalDate, List<WearableSample>> byDay = new TreeMap<>();
    for (WearableSample s : all) {
      Integer offset = s.getStartZoneOffsetSeconds();
      byDay
          .computeIfAbsent(
              LocalDate.ofInstant(
                  s.getStartTime(), ZoneOffset.ofTotalSeconds(offset == null ? 0 : offset)),
              d -> new ArrayList<>())
          .add(s);
    }
    List<WearableSample> complete =
        byDay.values().stream()
            .filter(d -> d.size() >= 200)
            .flatMap(List::stream)
            .sorted(Comparator.comparing(WearableSample::getStartTime))
            .toList();
    if (complete.size() < perUser) {
      throw new IllegalStateException(
          "the export's complete days hold " + complete.size() + " samples, fewer than " + perUser);
    }
    return complete.subList(0, perUser);
  }

  /** Each user's whole backlog at once, the users spread evenly over the window. */
  private long send(List<WearableSample> day, int users) throws Exception {
    FhirMapper mapper = new FhirMapper(MappingCatalogue.builtIn());
    int every = Integer.parseInt(args.get("sample-every"));
    long windowMs = Long.parseLong(args.get("window-seconds")) * 1000;
    long sent = 0;
    // docs/serde.md, "Producing from a gateway, also in bursts".
    try (KafkaProducer<String, WearableSample> producer =
        GatewayProducer.open(
            args.get("bootstrap"),
            args.get("registry"),
            Map.of(
                ProducerConfig.LINGER_MS_CONFIG,
                "10",
                ProducerConfig.BATCH_SIZE_CONFIG,
                Integer.toString(256 * 1024)))) {
      long begin = nowMs();
      firstSendMs = begin;
      for (int u = 0; u < users; u++) {
        long due = begin + windowMs * u / users;
        while (nowMs() < due) {
          Thread.sleep(Math.max(1, Math.min(50, due - nowMs())));
        }
        String user = String.format(Locale.ROOT, "storm-%05d", u);
        for (WearableSample template : day) {
          WearableSample sample =
              WearableSample.newBuilder(template)
                  .setUserId(user)
                  .setReceivedTime(java.time.Instant.now())
                  .build();
          if (sent % every == 0
              && mapper.map(sample, false) instanceof Mapped mapped
              && !mapped.observations().isEmpty()) {
            sampled.put(mapped.observations().get(0).id(), nowMs());
          }
          producer.send(new ProducerRecord<>(PipelineTopic.Names.RAW, user, sample));
          sent++;
        }
      }
      producer.flush();
      lastSendMs = nowMs();
    }
    return sent;
  }

  /** Once a second: records in, the topology's and the sink's committed offsets, rows inserted. */
  private void sample(Admin admin) {
    long[] previous = null;
    while (sampling.get()) {
      try {
        long in = endOffsets(admin, PipelineTopic.Names.RAW);
        long fhirEnd = endOffsets(admin, PipelineTopic.Names.OBSERVATION);
        long processed = committed(admin, TOPOLOGY_GROUP, PipelineTopic.Names.RAW);
        long sinkCommitted = committed(admin, SINK_GROUP, PipelineTopic.Names.OBSERVATION);
        long rows = rowsInserted();
        long now = nowMs();
        if (previous != null) {
          double seconds = (now - previous[0]) / 1000.0;
          points.add(
              new Timeline.Point(
                  (now - Math.max(0, firstSendMs)) / 1000.0,
                  (in - previous[1]) / seconds,
                  (processed - previous[2]) / seconds,
                  (rows - previous[3]) / seconds,
                  in - processed,
                  fhirEnd - sinkCommitted));
        }
        if (lastSendMs >= 0 && topologyDrainedMs < 0 && processed >= in) {
          topologyDrainedMs = now;
        }
        if (previous == null || rows != previous[3]) {
          rowsMovedMs = now;
        }
        previous = new long[] {now, in, processed, rows};
        Thread.sleep(1000);
      } catch (InterruptedException e) {
        return;
      } catch (Exception e) {
        // A slow answer under load: the next second asks again.
      }
    }
  }

  /** The sum of the end offsets of {@code topic}'s partitions: records ever written to it. */
  private static long endOffsets(Admin admin, String topic) throws Exception {
    return TopicOffsets.endOffsets(admin, List.of(topic)).values().stream()
        .mapToLong(Long::longValue)
        .sum();
  }

  private static long committed(Admin admin, String group, String topic) throws Exception {
    long sum = 0;
    for (Map.Entry<TopicPartition, OffsetAndMetadata> e :
        admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get().entrySet()) {
      if (e.getKey().topic().equals(topic) && e.getValue() != null) {
        sum += e.getValue().offset();
      }
    }
    return sum;
  }

  /**
   * Rows inserted into fhir_observation so far (statistics counter: no scan of the table it
   * measures).
   */
  private long rowsInserted() {
    try {
      return SqlValue.asLong(
          args.get("jdbc"),
          "SELECT coalesce(sum(n_tup_ins), 0) FROM pg_stat_user_tables WHERE relname = '"
              + StoreTables.OBSERVATION
              + "'"
              + " AND schemaname = current_schema()");
    } catch (java.sql.SQLException e) {
      return 0;
    }
  }

  private void report(long sent, int perUser, int users) throws Exception {
    Path out = Path.of(args.get("out"));
    Files.createDirectories(out);
    List<long[]> latencies = new ArrayList<>(); // [sent at, send → commit]
    long lastCommitMs;
    long rows;
    try (Connection c = DriverManager.getConnection(args.get("jdbc"))) {
      List<String> ids = new ArrayList<>(sampled.keySet());
      try (PreparedStatement ps =
          c.prepareStatement(
              "SELECT id, (extract(epoch FROM pg_xact_commit_timestamp(xmin)) * 1000)::bigint"
                  + " FROM "
                  + StoreTables.OBSERVATION
                  + " WHERE id = ANY (?)")) {
        for (int i = 0; i < ids.size(); i += 5000) {
          ps.setArray(
              1, c.createArrayOf("text", ids.subList(i, Math.min(ids.size(), i + 5000)).toArray()));
          try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
              long at = sampled.get(rs.getString(1));
              latencies.add(new long[] {at - firstSendMs, clock.fromWallMs(rs.getLong(2)) - at});
            }
          }
        }
      }
      try (Statement s = c.createStatement();
          ResultSet rs =
              s.executeQuery(
                  "SELECT count(*), (extract(epoch FROM max(pg_xact_commit_timestamp(xmin))) * 1000)::bigint"
                      + " FROM "
                      + StoreTables.OBSERVATION)) {
        rs.next();
        rows = rs.getLong(1);
        lastCommitMs = clock.fromWallMs(rs.getLong(2)) - firstSendMs;
      }
    }
    long topologyDrained = topologyDrainedMs - firstSendMs;
    long lastSend = lastSendMs - firstSendMs;
    double steady = Double.parseDouble(args.get("steady-rate"));
    double topologyRate = topologyDrainedMs > 0 ? sent * 1000.0 / topologyDrained : Double.NaN;
    double sinkRate = rows * 1000.0 / lastCommitMs;
    StringBuilder md =
        new StringBuilder(
            String.format(
                Locale.ROOT,
                "%,d users × %,d samples (the export's complete days in time order) = %,d samples, each user's at once, the users"
                    + " spread over %s s; last sample acknowledged at %.1f s.%n%n",
                users,
                perUser,
                sent,
                args.get("window-seconds"),
                lastSend / 1000.0));
    md.append("| | value |\n|---|---:|\n");
    md.append(
        String.format(
            Locale.ROOT,
            "| topology drained (raw lag 0) | %.1f s after the first send |%n",
            topologyDrained / 1000.0));
    md.append(
        String.format(
            Locale.ROOT,
            "| sink drained (last row committed) | %.1f s after the first send |%n",
            lastCommitMs / 1000.0));
    md.append(
        String.format(
            Locale.ROOT,
            "| Observation rows | %,d (samples with no Observation of their own: %,d) |%n",
            rows,
            sent - rows));
    md.append(
        String.format(
            Locale.ROOT,
            "| topology drain rate | %,.0f samples/s = %.2f × the steady %,.0f samples/s |%n",
            topologyRate,
            topologyRate / steady,
            steady));
    md.append(
        String.format(
            Locale.ROOT, "| sink drain rate (first send → last row) | %,.0f rows/s |%n", sinkRate));
    md.append(
        String.format(Locale.ROOT, "| topology heap (GC log, -Xmx of the run) | %s |%n", heap()));
    md.append(String.format(Locale.ROOT, "%n%s%n", sinkErrors()));
    md.append("\nSend → row committed in PostgreSQL (1 sample in ")
        .append(args.get("sample-every"))
        .append(
            "), by minute of sending:\n\n| minute | samples | p50 | p99 | max |\n|---|---:|---:|---:|---:|\n");
    Map<Long, List<Long>> byMinute = new TreeMap<>();
    for (long[] l : latencies) {
      byMinute.computeIfAbsent(l[0] / 60_000, k -> new ArrayList<>()).add(l[1]);
    }
    byMinute.forEach(
        (minute, values) -> {
          long[] sorted = values.stream().mapToLong(Long::longValue).sorted().toArray();
          md.append(
              String.format(
                  Locale.ROOT,
                  "| %d | %,d | %,d ms | %,d ms | %,d ms |%n",
                  minute + 1,
                  sorted.length,
                  sorted[(int) Math.ceil(sorted.length * 0.5) - 1],
                  sorted[(int) Math.ceil(sorted.length * 0.99) - 1],
                  sorted[sorted.length - 1]));
        });
    Files.writeString(out.resolve("storm.md"), md);
    FaultTimelineChart.write(
        out.resolve("storm.png"),
        String.format(
            Locale.ROOT,
            "Sync storm: %,d users × %,d samples in %s s",
            users,
            perUser,
            args.get("window-seconds")),
        points,
        List.of(
            new FaultTimelineChart.Marker(lastSend / 1000.0, "last upload"),
            new FaultTimelineChart.Marker(topologyDrained / 1000.0, "topology drained"),
            new FaultTimelineChart.Marker(lastCommitMs / 1000.0, "sink drained")));
    System.out.print(md);
    System.out.println("plot: " + out.resolve("storm.png"));
  }

  /** Largest heap before and after a collection in the topology's GC log, and the heap's size. */
  private String heap() throws java.io.IOException {
    if (!args.containsKey("topology-gc-log")
        || !Files.exists(Path.of(args.get("topology-gc-log")))) {
      return "no GC log";
    }
    long before = 0;
    long after = 0;
    long size = 0;
    int pauses = 0;
    for (String line : Files.readAllLines(Path.of(args.get("topology-gc-log")))) {
      Matcher m = GC_PAUSE.matcher(line);
      if (m.find()) {
        pauses++;
        before = Math.max(before, Long.parseLong(m.group(1)));
        after = Math.max(after, Long.parseLong(m.group(2)));
        size = Math.max(size, Long.parseLong(m.group(3)));
      }
    }
    return String.format(
        Locale.ROOT,
        "%d collections; at most %d MB in use before one, %d MB live after one; heap %d MB",
        pauses,
        before,
        after,
        size);
  }

  /**
   * What the processes logged at WARN or above about failures (the logs passed in --error-logs).
   */
  private String sinkErrors() throws java.io.IOException {
    if (!args.containsKey("error-logs")) {
      return "";
    }
    StringBuilder md =
        new StringBuilder("Errors logged (ERROR lines, and OutOfMemoryError anywhere):");
    for (String log : args.get("error-logs").split(",")) {
      Path p = Path.of(log);
      long errors =
          Files.exists(p)
              ? Files.readAllLines(p).stream()
                  .filter(l -> l.contains(" ERROR ") || l.contains("OutOfMemoryError"))
                  .count()
              : -1;
      md.append(' ')
          .append(p.getFileName())
          .append(": ")
          .append(errors < 0 ? "no log" : Long.toString(errors))
          .append(';');
    }
    return md.toString();
  }
}

package io.fhirflow.bench.faults;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fhirflow.contracts.PipelineTopic;
import io.fhirflow.store.StoreTables;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;

/**
 * The fault run's checker: waits (with a deadline) until the topology and the sink have drained
 * what the simulator sent, then accounts for every input record and writes {@code report.md} and
 * {@code timeline.png}. Exit code 0 only when every check passes.
 *
 * <p>Checks, each against what a downstream reader sees (read_committed) or what is stored:
 *
 * <ul>
 *   <li>the raw topic holds every record the simulator sent;
 *   <li>conservation: each topology instance's counters balance (in = out + duplicates + updates +
 *       dead-lettered), and summed over every incarnation they match what was sent, within what a
 *       kill -9 can blur (counts of an aborted transaction are counted again by the next owner;
 *       counts after the last scrape of a killed process are lost with it);
 *   <li>no Observation id twice with the same version on {@code fhir.r4.observation};
 *   <li>PostgreSQL holds one row per distinct id, each at the newest version on the topic;
 *   <li>the dead-letter topics hold exactly the bad records the simulator sent, by reason, and
 *       nothing else;
 *   <li>Redis day totals equal the totals recomputed from PostgreSQL for a sample of patients, days
 *       with an edited series and days written during the Redis outage included: no difference
 *       passes.
 * </ul>
 */
public final class FaultChecker {

  /** A simulator outcome and the dead-letter reason the topology must give it. */
  static final Map<String, String> EXPECTED_REASON =
      Map.of(
          "BAD_NOT_WIRE_FORMAT", "deserialize/NOT_WIRE_FORMAT",
          "BAD_UNKNOWN_SCHEMA_ID", "deserialize/UNKNOWN_SCHEMA_ID",
          "BAD_NAN_VALUE", "map/NOT_FINITE",
          "BAD_END_BEFORE_START", "map/END_BEFORE_START",
          "BAD_UNKNOWN_TYPE", "map/UNKNOWN_TYPE");

  record Check(String name, boolean passed, String detail) {}

  record Event(long timeMs, String label) {}

  private static final ObjectMapper JSON = new ObjectMapper();

  private final Map<String, String> options;
  private final Path out;
  private final List<Check> checks = new ArrayList<>();
  private final StringBuilder report = new StringBuilder();

  private FaultChecker(Map<String, String> options) {
    this.options = options;
    this.out = Path.of(options.get("out"));
  }

  public static void main(String[] args) throws Exception {
    FaultChecker checker = new FaultChecker(Options.parse(args));
    boolean passed = checker.run();
    System.exit(passed ? 0 : 1);
  }

  private boolean run() throws Exception {
    JsonNode simulator = JSON.readTree(Files.readString(Path.of(options.get("simulator"))));
    long sent = simulator.path("total").asLong() - simulator.path("failedSends").asLong();
    List<Event> events = readEvents(Path.of(options.get("events")));
    long startMs = events.get(0).timeMs();
    String bootstrap = options.get("bootstrap-servers");
    boolean full = "full".equals(options.get("mode"));
    Duration drainDeadline =
        Duration.ofSeconds(
            Long.parseLong(options.getOrDefault("drain-seconds", full ? "600" : "400")));

    Instant drainStart = Instant.now();
    String drained = awaitDrained(bootstrap, sent, drainDeadline);
    long drainedAfter = Duration.between(drainStart, Instant.now()).toSeconds();
    checks.add(
        new Check(
            "drained",
            drained == null,
            drained == null
                ? "topology and sink caught up " + drainedAfter + " s after the simulator ended"
                : drained));

    CommittedTopics topics = new CommittedTopics(bootstrap);
    long raw = topics.count(PipelineTopic.Names.RAW);
    checks.add(
        new Check(
            "raw topic holds every record sent",
            raw == sent,
            String.format(
                Locale.ROOT,
                "%,d on %s, %,d sent (%,d failed sends)",
                raw,
                PipelineTopic.Names.RAW,
                sent,
                simulator.path("failedSends").asLong())));

    Timeline timeline = Timeline.read(Path.of(options.get("timeline")));
    conservation(timeline, simulator, sent, events);
    CommittedTopics.Observations observations =
        topics.observations(PipelineTopic.Names.OBSERVATION);
    Integer deletionMarkers =
        observations.sameVersionTwice().remove("(deletion markers, not checked)");
    checks.add(
        new Check(
            "no Observation id twice with the same version (read_committed)",
            observations.sameVersionTwice().isEmpty(),
            String.format(
                Locale.ROOT,
                "%,d records (%d deletion markers), %,d distinct ids; twice: %s",
                observations.records(),
                deletionMarkers == null ? 0 : deletionMarkers,
                observations.newestVersion().size(),
                summary(observations.sameVersionTwice()))));
    deadLetters(topics, simulator);
    try (Connection db = DriverManager.getConnection(options.get("pg-url"))) {
      store(db, observations);
      try {
        redis(db, events);
      } catch (RuntimeException | SQLException e) {
        checks.add(
            new Check(
                "Redis day totals = totals recomputed from PostgreSQL",
                false,
                "could not compare: " + e));
      }
    }

    List<Timeline.Point> points = timeline.points(startMs);
    List<FaultTimelineChart.Marker> markers = new ArrayList<>();
    for (Event e : events) {
      markers.add(new FaultTimelineChart.Marker((e.timeMs() - startMs) / 1000.0, e.label()));
    }
    FaultTimelineChart.write(
        out.resolve("timeline.png"),
        "fhirflow fault-and-scale run ("
            + options.get("mode")
            + ", "
            + options.get("rate")
            + " records/s)",
        points,
        markers);
    writeReport(events, startMs, points, sent, drainedAfter);
    boolean passed = checks.stream().allMatch(Check::passed);
    System.out.println(passed ? "fault run: every check passed" : "fault run: CHECKS FAILED");
    checks.forEach(
        c ->
            System.out.println(
                (c.passed() ? "  ok    " : "  FAIL  ") + c.name() + ": " + c.detail()));
    System.out.println("report: " + out.resolve("report.md"));
    return passed;
  }

  /**
   * Null once the topology has committed every raw record and the sink's committed offsets have
   * stood still for 20 s (four of its offset commits) within a few offsets per partition of the
   * end; else what is missing at the deadline. A drained sink is not at the end offsets: Connect
   * commits the offset after the last record it processed, and transaction markers (one per
   * partition and transaction, commits and aborts of a killed instance alike) and aborted records
   * sit after it. The store check that follows is exact either way.
   */
  private static String awaitDrained(String bootstrap, long sent, Duration deadline)
      throws InterruptedException {
    Map<String, Object> config = new HashMap<>();
    config.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    long end = System.nanoTime() + deadline.toNanos();
    String state = "not read";
    int stableRounds = 0;
    try (Admin admin = Admin.create(config)) {
      FaultSampler.Offsets offsets = new FaultSampler.Offsets(admin);
      List<String> fhir =
          List.of(
              PipelineTopic.Names.OBSERVATION,
              PipelineTopic.Names.PATIENT,
              PipelineTopic.Names.DEVICE);
      String last = null;
      while (System.nanoTime() < end) {
        Long rawEnd = offsets.end(List.of(PipelineTopic.Names.RAW));
        Long topology =
            offsets.committed(FaultSampler.TOPOLOGY_GROUP, List.of(PipelineTopic.Names.RAW));
        Long fhirEnd = offsets.end(fhir);
        Long sink = offsets.committed(FaultSampler.SINK_GROUP, fhir);
        state =
            String.format(
                Locale.ROOT,
                "raw end %s of %d sent, topology committed %s, FHIR topics end %s, sink committed %s",
                rawEnd,
                sent,
                topology,
                fhirEnd,
                sink);
        int partitions;
        try {
          partitions = offsets.partitions(fhir).size();
        } catch (Exception e) {
          partitions = 0;
        }
        boolean caughtUp =
            rawEnd != null
                && rawEnd == sent
                && rawEnd.equals(topology)
                && fhirEnd != null
                && sink != null
                && fhirEnd - sink <= 4L * partitions;
        stableRounds = caughtUp && state.equals(last) ? stableRounds + 1 : 0;
        if (stableRounds >= 10) {
          return null;
        }
        last = state;
        Thread.sleep(2000);
      }
    }
    return "not drained after " + deadline.toSeconds() + " s: " + state;
  }

  private void conservation(Timeline timeline, JsonNode simulator, long sent, List<Event> events) {
    List<Timeline.Incarnation> incarnations = timeline.incarnations();
    long[] sum = new long[FaultSampler.COLUMNS_PER_INSTANCE];
    StringBuilder table =
        new StringBuilder(
            "| instance | run | scraped from, to (s) | in | out | duplicates | updates | dead-lettered "
                + "| deleted | in − (out+dup+upd+dlq+del) | Redis values lost |\n"
                + "|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|\n");
    long startMs = events.get(0).timeMs();
    long lastRowMs =
        timeline.rows().isEmpty() ? 0 : timeline.rows().get(timeline.rows().size() - 1).timeMs();
    boolean noOutcomeWithoutInput = true;
    List<String> unbalanced = new ArrayList<>();
    for (Timeline.Incarnation i : incarnations) {
      for (int k = 0; k < sum.length; k++) {
        sum[k] += i.counters()[k];
      }
      // Alive at the end: scraped after draining, so its counters are final.
      boolean alive = i.lastMs() >= lastRowMs - 5000;
      // An ended run's last scrape may be mid-record (in and out are read one after the other):
      // only final counters count.
      noOutcomeWithoutInput &= !alive || i.balance() >= 0;
      if (alive && i.balance() != 0) {
        unbalanced.add("topology-" + i.instance() + ": " + i.balance());
      }
      table.append(
          String.format(
              Locale.ROOT,
              "| topology-%d | %d%s | %d, %d | %,d | %,d | %,d | %,d | %,d | %,d | %d | %,d |%n",
              i.instance(),
              i.number(),
              alive ? "" : " (ended)",
              (i.firstMs() - startMs) / 1000,
              (i.lastMs() - startMs) / 1000,
              i.counters()[0],
              i.counters()[1],
              i.counters()[2],
              i.counters()[3],
              i.counters()[4],
              i.counters()[5],
              i.balance(),
              i.counters()[Timeline.Incarnation.REDIS_LOST]));
    }
    long expectedOut = simulator.path("new").asLong() + simulator.path("late").asLong();
    table.append(
        String.format(
            Locale.ROOT,
            "| **sum** | | | %,d | %,d | %,d | %,d | %,d | %,d | %d | %,d |%n",
            sum[0],
            sum[1],
            sum[2],
            sum[3],
            sum[4],
            sum[5],
            sum[0] - sum[1] - sum[2] - sum[3] - sum[4] - sum[5],
            sum[Timeline.Incarnation.REDIS_LOST]));
    table.append(
        String.format(
            Locale.ROOT,
            "| simulator (intent) | | | %,d | %,d | %,d | %,d | %,d | %,d | | |%n",
            sent,
            expectedOut,
            simulator.path("duplicates").asLong(),
            simulator.path("updates").asLong(),
            simulator.path("bad").asLong(),
            simulator.path("deletions").asLong()));
    conservationTable = table.toString();
    redisLost = sum[Timeline.Incarnation.REDIS_LOST];
    // Counts after a process's last scrape (about a second) are lost with it when it is killed or
    // stopped.
    long ends = incarnations.stream().filter(i -> i.lastMs() < lastRowMs - 5000).count();
    double rate = Double.parseDouble(options.get("rate"));
    long tolerance = (long) Math.ceil(ends * rate * 5);
    long difference = sum[0] - sent;
    checks.add(
        new Check(
            "conservation: no outcome without an input on any running instance",
            noOutcomeWithoutInput,
            "in ≥ out + duplicates + updates + dead-lettered + deleted on every instance running at the end (ended runs: last scrape, see the table); not equal: "
                + (unbalanced.isEmpty()
                    ? "none"
                    : unbalanced
                        + " (records counted in, then cut short by a task migration and redone)")));
    checks.add(
        new Check(
            "conservation: every record sent counted in at least once",
            sum[0] >= sent - tolerance,
            String.format(
                Locale.ROOT,
                "Σ in over every run of every instance %,d vs %,d sent: %+d, i.e. %.1f %% counted again (work of "
                    + "aborted transactions redone by the next owner of a task; the counters are not transactional); allowed below: %d "
                    + "(%d ended process(es), counts after their last scrape)",
                sum[0],
                sent,
                difference,
                100.0 * difference / Math.max(1, sent),
                tolerance,
                ends)));
  }

  private long redisLost;
  private String conservationTable = "";
  private String deadLetterTable = "";
  private String storeDetail = "";
  private String redisDetail = "";

  private void deadLetters(CommittedTopics topics, JsonNode simulator) {
    Map<String, Long> expected = new TreeMap<>();
    simulator
        .path("byKind")
        .forEach(
            kind ->
                kind.fields()
                    .forEachRemaining(
                        e -> {
                          String reason = EXPECTED_REASON.get(e.getKey());
                          if (reason != null) {
                            expected.merge(reason, e.getValue().asLong(), Long::sum);
                          }
                        }));
    Map<String, Long> raw = topics.deadLettersByReason(PipelineTopic.Names.RAW_DEAD_LETTER);
    Map<String, Long> sink = topics.deadLettersByReason(PipelineTopic.Names.FHIR_DEAD_LETTER);
    StringBuilder table =
        new StringBuilder(
            "| topic | stage/reason | sent as bad | found (read_committed) |\n|---|---|---:|---:|\n");
    java.util.Set<String> reasons = new java.util.TreeSet<>(expected.keySet());
    reasons.addAll(raw.keySet());
    boolean exact = true;
    for (String r : reasons) {
      long e = expected.getOrDefault(r, 0L);
      long f = raw.getOrDefault(r, 0L);
      exact &= e == f;
      table.append(
          String.format(
              Locale.ROOT,
              "| %s | %s | %,d | %,d |%n",
              PipelineTopic.Names.RAW_DEAD_LETTER,
              r,
              e,
              f));
    }
    for (Map.Entry<String, Long> e : sink.entrySet()) {
      table.append(
          String.format(
              Locale.ROOT,
              "| %s | %s | 0 | %,d |%n",
              PipelineTopic.Names.FHIR_DEAD_LETTER,
              e.getKey(),
              e.getValue()));
    }
    deadLetterTable = table.toString();
    checks.add(
        new Check(
            "dead letters are exactly the bad records sent (no fault dead-lettered)",
            exact && sink.isEmpty(),
            "wearable.samples.dlq by reason "
                + raw
                + " vs sent "
                + expected
                + "; fhir.r4.dlq "
                + (sink.isEmpty() ? "empty" : sink)));
  }

  private void store(Connection db, CommittedTopics.Observations observations) throws SQLException {
    Map<String, Long> stored = new HashMap<>();
    long rows = 0;
    try (Statement s = db.createStatement();
        ResultSet r = s.executeQuery("SELECT id, version_id FROM " + StoreTables.OBSERVATION)) {
      while (r.next()) {
        rows++;
        stored.put(r.getString(1), r.getLong(2));
      }
    }
    long missing = 0;
    long stale = 0;
    List<String> examples = new ArrayList<>();
    for (Map.Entry<String, Long> e : observations.newestVersion().entrySet()) {
      Long v = stored.get(e.getKey());
      if (v == null) {
        missing++;
        if (examples.size() < 5) {
          examples.add("missing " + e.getKey());
        }
      } else if (!v.equals(e.getValue())) {
        stale++;
        if (examples.size() < 5) {
          examples.add(e.getKey() + " stored v" + v + ", topic v" + e.getValue());
        }
      }
    }
    long extra =
        stored.keySet().stream()
            .filter(id -> !observations.newestVersion().containsKey(id))
            .count();
    storeDetail =
        String.format(
            Locale.ROOT,
            "%,d rows in "
                + StoreTables.OBSERVATION
                + ", %,d distinct ids on the topic; missing %d, at an older version %d, "
                + "not on the topic %d%s",
            rows,
            observations.newestVersion().size(),
            missing,
            stale,
            extra,
            examples.isEmpty() ? "" : " (" + examples + ")");
    checks.add(
        new Check(
            "PostgreSQL rows = distinct Observation ids, each at its newest version",
            rows == observations.newestVersion().size() && missing == 0 && stale == 0 && extra == 0,
            storeDetail));
  }

  private void redis(Connection db, List<Event> events) throws SQLException, InterruptedException {
    int patients = Integer.parseInt(options.getOrDefault("patients", "20"));
    // Redis is written by the topology's own thread about a second after processing: retry until
    // equal, or the deadline.
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    List<RedisDayTotals.Comparison> comparisons;
    while (true) {
      comparisons = RedisDayTotals.compare(db, options.get("redis-url"), patients);
      if (comparisons.stream().allMatch(RedisDayTotals.Comparison::matches)
          || System.nanoTime() > deadline) {
        break;
      }
      Thread.sleep(3000);
    }
    Instant redisDown = null;
    Instant redisUp = null;
    for (Event e : events) {
      if (e.label().startsWith("stop Redis")) {
        redisDown = Instant.ofEpochMilli(e.timeMs());
      } else if (e.label().startsWith("start Redis")) {
        redisUp = Instant.ofEpochMilli(e.timeMs());
      }
    }
    long compared = 0;
    long equal = 0;
    long editedSeries = 0;
    long editedSeriesDifferent = 0;
    long outage = 0;
    List<String> different = new ArrayList<>();
    for (RedisDayTotals.Comparison c : comparisons) {
      if (c.edited() && c.metric().equals("heart_rate")) {
        editedSeries++;
        editedSeriesDifferent += c.matches() ? 0 : 1;
      }
      compared++;
      if (c.matches()) {
        equal++;
      } else if (redisDown != null
          && !c.lastWritten().isBefore(redisDown.minusSeconds(5))
          && c.lastWritten()
              .isBefore((redisUp == null ? Instant.now() : redisUp).plusSeconds(60))) {
        outage++;
      } else if (different.size() < 10) {
        different.add(
            String.format(
                Locale.ROOT,
                "%s %s %s: PostgreSQL sum %.1f count %d, Redis %s count %s, last row written %s",
                c.patientId(),
                c.day(),
                c.metric(),
                c.pgSum(),
                c.pgCount(),
                c.redisSum(),
                c.redisCount(),
                c.lastWritten()));
      }
    }
    long wrong = compared - equal - outage;
    redisDetail =
        String.format(
            Locale.ROOT,
            "%d patients, %d (day, metric) totals compared: %d equal, %d different for days last "
                + "written during the Redis outage, %d different otherwise%s; Redis values not written at a first attempt and retried: %,d "
                + "(fhirflow_redis_values_total{outcome=\"lost\"}); heart-rate days with an edited series (a point removed; compared too): %d, of which %d differ",
            comparisons.stream().map(RedisDayTotals.Comparison::patientId).distinct().count(),
            compared,
            equal,
            outage,
            wrong,
            different.isEmpty() ? "" : " " + different,
            redisLost,
            editedSeries,
            editedSeriesDifferent);
    // Every difference fails, whatever Redis went through: values Redis did not take are retried
    // from the
    // topology's unwritten-values store (docs/redis-metrics.md, "Redis outage"), and an edited
    // series
    // retracts its removed points from the topic as its day total takes them back.
    checks.add(
        new Check(
            "Redis day totals = totals recomputed from PostgreSQL",
            compared > 0 && equal == compared,
            redisDetail));
  }

  private static String summary(Map<String, Integer> m) {
    if (m.isEmpty()) {
      return "none";
    }
    List<String> first = new ArrayList<>();
    m.entrySet().stream().limit(5).forEach(e -> first.add(e.getKey() + " ×" + e.getValue()));
    return m.size() + " (" + String.join(", ", first) + (m.size() > 5 ? ", ..." : "") + ")";
  }

  static List<Event> readEvents(Path tsv) throws IOException {
    List<Event> events = new ArrayList<>();
    for (String line : Files.readAllLines(tsv)) {
      int tab = line.indexOf('\t');
      if (tab > 0) {
        events.add(new Event(Long.parseLong(line.substring(0, tab)), line.substring(tab + 1)));
      }
    }
    return events;
  }

  /**
   * Seconds from each fault until both lags are back at or below what they were before it (the 95th
   * percentile of the 30 s before, at least two seconds of input) for good: after the highest lag
   * seen between the fault and the next one, when it rose more than a quarter above that level (a
   * stalled consumer's lag builds up slowly, so the first seconds after a fault say nothing), or
   * null if they never were.
   */
  static Map<Event, Double> recoveries(
      List<Event> events, long startMs, List<Timeline.Point> points, double rate) {
    Map<Event, Double> out = new LinkedHashMap<>();
    for (int i = 0; i < events.size(); i++) {
      Event e = events.get(i);
      double t = (e.timeMs() - startMs) / 1000.0;
      if (!isFault(e.label())) {
        continue;
      }
      double next = Double.MAX_VALUE;
      for (int j = i + 1; j < events.size(); j++) {
        if (isFault(events.get(j).label())) {
          next = (events.get(j).timeMs() - startMs) / 1000.0;
          break;
        }
      }
      List<Long> before = new ArrayList<>();
      double peakAt = t;
      long peak = -1;
      for (Timeline.Point p : points) {
        if (p.topologyLag() == null || p.sinkLag() == null) {
          continue;
        }
        long lag = Math.max(p.topologyLag(), p.sinkLag());
        if (p.second() >= t - 30 && p.second() < t) {
          before.add(lag);
        } else if (p.second() > t && p.second() < next && lag > peak) {
          peak = lag;
          peakAt = p.second();
        }
      }
      before.sort(null);
      long baseline =
          Math.max(
              (long) (2 * rate),
              before.isEmpty() ? 0 : before.get((int) Math.floor(0.95 * (before.size() - 1))));
      // A peak within a quarter above the baseline is the sink's sawtooth (batches, offset
      // commits), not a fault's backlog.
      double from = peak > baseline * 5 / 4 ? peakAt : t;
      Double recovered = null;
      for (Timeline.Point p : points) {
        if (p.second() > t + 1
            && p.second() >= from
            && p.topologyLag() != null
            && p.sinkLag() != null
            && p.topologyLag() <= baseline
            && p.sinkLag() <= baseline) {
          recovered = p.second() - t;
          break;
        }
      }
      out.put(e, recovered);
    }
    return out;
  }

  static boolean isFault(String label) {
    return label.startsWith("kill")
        || label.startsWith("stop")
        || label.startsWith("start topology-4")
        || label.startsWith("restart PostgreSQL");
  }

  private void writeReport(
      List<Event> events, long startMs, List<Timeline.Point> points, long sent, long drainedAfter)
      throws IOException {
    double rate = Double.parseDouble(options.get("rate"));
    Map<Event, Double> recoveries = recoveries(events, startMs, points, rate);
    report.append("# fhirflow fault-and-scale run (").append(options.get("mode")).append(")\n\n");
    report
        .append("Started ")
        .append(Instant.ofEpochMilli(startMs))
        .append("; ")
        .append(options.get("users"))
        .append(" simulated users at ")
        .append(options.get("rate"))
        .append(
            " records/s; 12 raw partitions, 3 topology instances, 2 Connect workers (distributed), ")
        .append("private PostgreSQL and Redis.\nLoad before the checker ran: `")
        .append(options.getOrDefault("load", "?").trim())
        .append("`; after: `")
        .append(uptime())
        .append("`.\n\n");
    report
        .append("**Result: ")
        .append(checks.stream().allMatch(Check::passed) ? "every check passed" : "CHECKS FAILED")
        .append("**\n\n");
    report.append(
        "## Schedule\n\n| # | t (s) | step | back to the pre-fault lag after (s) |\n|---:|---:|---|---:|\n");
    int n = 0;
    for (Event e : events) {
      Double r = recoveries.get(e);
      report.append(
          String.format(
              Locale.ROOT,
              "| %d | %.1f | %s | %s |%n",
              ++n,
              (e.timeMs() - startMs) / 1000.0,
              e.label(),
              isFault(e.label())
                  ? (r == null ? "never" : String.format(Locale.ROOT, "%.0f", r))
                  : ""));
    }
    report.append(
        String.format(Locale.ROOT, "%nDrained %d s after the simulator ended.%n%n", drainedAfter));
    report.append("![timeline](timeline.png)\n\n");
    report.append("## Checks\n\n| check | result | detail |\n|---|---|---|\n");
    for (Check c : checks) {
      report
          .append("| ")
          .append(c.name())
          .append(" | ")
          .append(c.passed() ? "ok" : "**FAIL**")
          .append(" | ")
          .append(c.detail().replace("|", "\\|"))
          .append(" |\n");
    }
    report
        .append(
            "\n## Conservation counters (each instance's /metrics, last scrape of each run of it)\n\n")
        .append(conservationTable);
    report.append("\n## Dead letters\n\n").append(deadLetterTable);
    report
        .append("\n## Store and Redis\n\n- ")
        .append(storeDetail)
        .append("\n- ")
        .append(redisDetail)
        .append("\n");
    Files.writeString(out.resolve("report.md"), report.toString());
  }

  private static String uptime() {
    try {
      return new String(new ProcessBuilder("uptime").start().getInputStream().readAllBytes())
          .trim();
    } catch (IOException e) {
      return "?";
    }
  }
}

package io.fhirflow.dist;

import static org.assertj.core.api.Assertions.assertThat;

import io.fhirflow.contracts.DeadLetterHeaders;
import io.fhirflow.testkit.Ci;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Each process as it ships: the jars its image copies ({@code dist/image-*}/target/lib; the sink's
 * Connect-standalone runner from {@code dist/local-sink}) and nothing but its file in {@code
 * config/}, against the local stack that {@code bin/stack up} starts on its default addresses. Each
 * must become ready. Tests run on Maven's test class path, which holds more than an image does:
 * this is what notices a jar missing at run time (the API once failed at start without UCUM) or a
 * config file that drifted from the stack.
 */
class PackagedProcessesIT {

  static final Path ROOT = RepositoryRoot.find();
  static final Path WORK = ROOT.resolve("dist/checks/target/packaged-processes");

  /** The stack's and the processes' default ports, as the config files assume them. */
  static final List<Integer> PORTS = List.of(9092, 9093, 8081, 8091, 8083, 8084, 8092, 8080);

  static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  static final List<Process> STARTED = new ArrayList<>();

  /** Started by the first test that needs them, shared by the rest (each takes ~20 s to start). */
  private static Process topology;

  private static Process sink;

  @BeforeAll
  static void stackUp() throws Exception {
    List<Integer> taken = PORTS.stream().filter(p -> !free(p)).toList();
    // A developer's own bin/run-local holds these ports; CI's clean machine never does.
    Ci.assumeOutsideCi(taken::isEmpty, "default ports in use: " + taken);
    assertThat(taken).as("default ports the config files assume").isEmpty();
    Files.createDirectories(WORK);
    run(Duration.ofMinutes(4), ROOT.resolve("bin/stack").toString(), "up");
    // The sink migrates into schema fhirflow, which must exist (bin/run-local creates it too).
    try (Connection c =
            DriverManager.getConnection("jdbc:postgresql://127.0.0.1:5432/test?user=postgres");
        Statement st = c.createStatement()) {
      st.execute("CREATE SCHEMA IF NOT EXISTS fhirflow");
    }
  }

  @AfterAll
  static void stackDown() throws Exception {
    for (int i = STARTED.size() - 1; i >= 0; i--) {
      Process p = STARTED.get(i);
      p.destroy();
      if (!p.waitFor(40, TimeUnit.SECONDS)) {
        p.destroyForcibly();
      }
    }
    if (Files.isDirectory(WORK)) {
      run(Duration.ofMinutes(2), ROOT.resolve("bin/stack").toString(), "down");
    }
  }

  @Test
  void theTopologyWithItsFileBecomesReady() throws Exception {
    topology();
  }

  @Test
  void theSinkWithItsFilesBecomesReady() throws Exception {
    sink();
    awaitOk(sink, "sink", "http://127.0.0.1:8084/metrics");
  }

  /**
   * Issue 12, "done when": a 1.2 MB sample followed by ordinary ones on the same key, through the
   * packaged topology and sink into PostgreSQL. The ordinary ones are rows within a minute; the
   * large one is a truncated dead letter, not a row, and the topology stays ready (it never
   * stalled, so readiness had nothing to hide).
   */
  @Test
  void aOnePointTwoMegabyteSampleDoesNotHoldUpTheOrdinaryOnesOnTheirWayToPostgres()
      throws Exception {
    topology();
    sink();
    OversizedSampleRun run = new OversizedSampleRun("127.0.0.1:9092", "http://127.0.0.1:8081");
    run.acceptLargeRecordsOnTheRawTopic();
    long sent = System.nanoTime();
    run.sendOneLargeThenOrdinary(20);

    List<Integer> readiness = new ArrayList<>();
    long deadline = sent + TimeUnit.SECONDS.toNanos(60);
    int rows = 0;
    while (System.nanoTime() < deadline) {
      readiness.add(status("http://127.0.0.1:8091/health/ready"));
      rows = run.ordinaryRowsInPostgres();
      if (rows == 20) {
        break;
      }
      Thread.sleep(250);
    }
    assertThat(rows).as("ordinary samples stored within a minute of the large one").isEqualTo(20);
    assertThat(run.largeSampleRows()).as("the large sample is not a row").isZero();
    assertThat(run.deadLetterOfTheLargeSample(Duration.ofSeconds(30)))
        .as("dlq.reason and dlq.truncated of the large sample's dead letter")
        .containsEntry(DeadLetterHeaders.REASON, "OVERSIZED")
        .containsEntry(DeadLetterHeaders.TRUNCATED, "value");
    assertThat(readiness)
        .as("topology readiness while the ordinary ones were on their way")
        .isNotEmpty()
        .containsOnly(200);
  }

  private static synchronized void topology() throws Exception {
    if (topology == null) {
      topology =
          start("topology", "image-topology", "io.fhirflow.topology.Main", "topology.properties");
    }
    awaitOk(topology, "topology", "http://127.0.0.1:8091/health/ready");
  }

  private static synchronized void sink() throws Exception {
    if (sink == null) {
      sink =
          start(
              "sink",
              "local-sink",
              "io.fhirflow.sink.standalone.StandaloneSink",
              "sink-standalone.properties",
              "fhir-sink-connector.properties");
    }
    awaitOk(sink, "sink", "http://127.0.0.1:8092/health/live");
    // Ready: the connector and its task RUNNING (Connect's own /health says only that the worker
    // started).
    awaitOk(sink, "sink", "http://127.0.0.1:8092/health/ready");
  }

  @Test
  void theApiWithItsFileBecomesReady() throws Exception {
    // The file names the development signing key's JWKS under .work/fhir-api (bin/run-local makes
    // it so).
    Process key =
        new ProcessBuilder(
                java(),
                "-cp",
                lib("image-fhir-api"),
                "io.fhirflow.api.devtoken.DevTokenCommand",
                "--dir",
                WORK.resolve(".work/fhir-api").toString())
            .directory(WORK.toFile())
            .redirectErrorStream(true)
            .redirectOutput(WORK.resolve("dev-token.log").toFile())
            .start();
    assertThat(key.waitFor(2, TimeUnit.MINUTES) && key.exitValue() == 0)
        .as("dev-token, see " + WORK.resolve("dev-token.log"))
        .isTrue();
    Process api =
        start("fhir-api", "image-fhir-api", "io.fhirflow.api.Main", "fhir-api.properties");
    awaitOk(api, "fhir-api", "http://127.0.0.1:8080/health/live");
    // Audit is fail-closed: the first delivered audit event (a /metadata call is audited) brings it
    // up.
    awaitOk(api, "fhir-api", "http://127.0.0.1:8080/fhir/metadata");
    awaitOk(api, "fhir-api", "http://127.0.0.1:8080/health/ready");
  }

  // ---------------------------------------------------------------- helpers

  /**
   * Starts {@code main} as it ships: on the jars that {@code module} lays out, with nothing but the
   * named files of {@code config/} as its arguments.
   */
  private static Process start(String name, String module, String main, String... configFiles)
      throws IOException {
    List<String> command =
        new ArrayList<>(List.of(java(), "-Xmx256m", "-XX:+UseSerialGC", "-cp", lib(module), main));
    for (String file : configFiles) {
      command.add(ROOT.resolve("config").resolve(file).toString());
    }
    ProcessBuilder pb =
        new ProcessBuilder(command)
            .directory(WORK.toFile())
            .redirectErrorStream(true)
            .redirectOutput(WORK.resolve(name + ".log").toFile());
    // Nothing from the environment of the build that could stand in for the file.
    pb.environment()
        .keySet()
        .removeIf(k -> k.startsWith("FHIRFLOW_") || k.startsWith("API_") || k.startsWith("KAFKA_"));
    Process p = pb.start();
    STARTED.add(p);
    return p;
  }

  private static void awaitOk(Process process, String name, String url) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(4);
    int last = -1;
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new AssertionError(
            name
                + " exited with "
                + process.exitValue()
                + " before "
                + url
                + " answered 200; log:\n"
                + tail(name));
      }
      try {
        last = get(url, Duration.ofSeconds(10));
        if (last == 200) {
          return;
        }
      } catch (IOException e) {
        // not listening yet
      }
      Thread.sleep(500);
    }
    throw new AssertionError(
        name
            + ": "
            + url
            + " did not answer 200 in 4 minutes (last "
            + last
            + "); log:\n"
            + tail(name));
  }

  private static int status(String url) {
    try {
      return get(url, Duration.ofSeconds(5));
    } catch (IOException e) {
      return -1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return -1;
    }
  }

  /** The status code of a GET of {@code url}, the body discarded. */
  private static int get(String url, Duration timeout) throws IOException, InterruptedException {
    return HTTP.send(
            HttpRequest.newBuilder(URI.create(url)).timeout(timeout).GET().build(),
            HttpResponse.BodyHandlers.discarding())
        .statusCode();
  }

  private static String tail(String name) throws IOException {
    List<String> lines = Files.readAllLines(WORK.resolve(name + ".log"));
    return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
  }

  private static String lib(String module) {
    Path lib = ROOT.resolve("dist/" + module + "/target/lib");
    assertThat(lib).as("laid out by mvn package before this IT").isDirectory();
    return lib + "/*";
  }

  private static String java() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  private static boolean free(int port) {
    try (ServerSocket s = new ServerSocket(port)) {
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  private static void run(Duration timeout, String... command) throws Exception {
    ProcessBuilder pb =
        new ProcessBuilder(command)
            .directory(ROOT.toFile())
            .redirectErrorStream(true)
            .redirectOutput(WORK.resolve("stack.log").toFile());
    pb.environment().putAll(Map.of("FHIRFLOW_STACK_WORK_DIR", WORK.resolve("stack").toString()));
    Process p = pb.start();
    assertThat(p.waitFor(timeout.toSeconds(), TimeUnit.SECONDS) && p.exitValue() == 0)
        .as(String.join(" ", command) + ", see " + WORK.resolve("stack.log"))
        .isTrue();
  }
}

package io.fhirflow.sink.standalone;

import io.fhirflow.contracts.ConfigSources;
import io.fhirflow.contracts.OpsPort;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.utils.Utils;
import org.apache.kafka.connect.cli.ConnectStandalone;
import org.apache.kafka.connect.runtime.Connect;
import org.apache.kafka.connect.runtime.ConnectorConfig;
import org.apache.kafka.connect.runtime.rest.entities.ConnectorStateInfo;
import org.apache.kafka.connect.runtime.standalone.StandaloneHerder;
import org.apache.kafka.connect.util.FutureCallback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the sink without a Connect cluster: Kafka Connect's own standalone mode (connect-runtime),
 * in this JVM. Used by the local run and by the integration tests.
 *
 * <pre>
 * StandaloneSink [worker.properties] [connector.properties ...]
 * defaults: config/sink-standalone.properties config/fhir-sink-connector.properties
 * </pre>
 *
 * <p>Besides Connect's REST port, the runner serves the operations port every fhirflow process has
 * ({@link OpsPort}: {@code /health/live}, {@code /health/ready}, judged by {@link SinkHealth}); its
 * Prometheus metrics are the Strimzi metrics reporter's, configured in the worker file, as a
 * KafkaConnect's {@code metricsConfig} serves them in Kubernetes. The runner's own keys ({@link
 * #CONFIG_DEF}) may stand in the worker file, where Connect never sees them, and are overridden by
 * {@code FHIRFLOW_SINK_<KEY>} ({@link ConfigSources}).
 */
public final class StandaloneSink implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(StandaloneSink.class);

  static final String DEFAULT_WORKER = "config/sink-standalone.properties";
  static final String DEFAULT_CONNECTOR = "config/fhir-sink-connector.properties";

  public static final String HEALTH_PORT_CONFIG = "health.port";
  public static final String HEALTH_LIVENESS_GRACE_MS_CONFIG = "health.liveness.grace.ms";

  /**
   * The runner's own settings (the connector's are FhirSinkConnectorConfig's, the worker's
   * Connect's).
   */
  public static final ConfigDef CONFIG_DEF =
      new ConfigDef()
          .define(
              HEALTH_PORT_CONFIG,
              Type.INT,
              8092,
              Range.between(0, 65535),
              Importance.MEDIUM,
              "Port of /health/live and /health/ready (0 picks a free port). Ready: every connector and task RUNNING.")
          .define(
              HEALTH_LIVENESS_GRACE_MS_CONFIG,
              Type.LONG,
              60_000L,
              Range.atLeast(0L),
              Importance.LOW,
              "How long a connector or task may stay FAILED before /health/live answers 503, so Kubernetes restarts the process"
                  + " (Connect never restarts a failed task itself; the restart resumes from the committed offsets).");

  /** {@code FHIRFLOW_SINK_HEALTH_PORT} → {@code health.port}. */
  public static final ConfigSources SOURCES =
      new ConfigSources("sink", "", CONFIG_DEF.names(), List.of());

  private final Connect<StandaloneHerder> connect;
  private OpsPort ops;

  private StandaloneSink(Connect<StandaloneHerder> connect) {
    this.connect = connect;
  }

  /**
   * Takes the runner's keys out of the worker properties (Connect would warn of them as unknown)
   * and overlays the environment's.
   *
   * @throws ConfigException naming the key or variable when one is unknown or out of range
   */
  static AbstractConfig runnerConfig(Map<String, String> workerProps, Map<String, String> env) {
    Map<String, String> runner = new HashMap<>();
    for (String key : CONFIG_DEF.names()) {
      String value = workerProps.remove(key);
      if (value != null) {
        runner.put(key, value.trim());
      }
    }
    try {
      runner.putAll(SOURCES.fromEnvironment(env));
    } catch (IllegalArgumentException e) {
      throw new ConfigException(e.getMessage());
    }
    return new AbstractConfig(CONFIG_DEF, runner, false);
  }

  /**
   * Serves {@code /health/live} and {@code /health/ready} on {@code port} until {@link #close()}.
   *
   * @return the port it listens on
   */
  public int serveHealth(int port, Duration livenessGrace) {
    SinkHealth health = new SinkHealth(Clock.systemUTC(), livenessGrace);
    ops =
        OpsPort.start(
            port, "fhirflow-sink", () -> look(health).live(), () -> look(health).ready(), null);
    return ops.port();
  }

  private SinkHealth.Answer look(SinkHealth health) {
    Map<String, List<String>> states = new LinkedHashMap<>();
    boolean started = connect.herder().isReady();
    if (started) {
      for (String name : connect.herder().connectors()) {
        ConnectorStateInfo status = connect.herder().connectorStatus(name);
        List<String> s = new ArrayList<>();
        s.add(status.connector().state());
        status.tasks().forEach(t -> s.add(t.state()));
        states.put(name, s);
      }
    }
    return health.observe(started, states);
  }

  /** Starts a standalone worker with the given worker properties and no connectors yet. */
  public static StandaloneSink start(Map<String, String> workerProps) {
    return new StandaloneSink(new ConnectStandalone().startConnect(workerProps));
  }

  /** Creates (or reconfigures) a connector and waits until the worker has accepted it. */
  public void putConnector(Map<String, String> connectorProps) {
    FutureCallback<Object> done = new FutureCallback<>();
    connect
        .herder()
        .putConnectorConfig(
            connectorProps.get(ConnectorConfig.NAME_CONFIG),
            connectorProps,
            true,
            (error, created) -> done.onCompletion(error, created));
    try {
      done.get(60, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException("connector was not accepted", e);
    }
  }

  /**
   * Marks the worker ready, as Connect's own standalone CLI does once its connectors are created:
   * until then Connect's {@code GET /health} (the sink's liveness and readiness probe) answers 503
   * "starting".
   */
  public void ready() {
    connect.herder().ready();
  }

  /** Removes a connector; its tasks stop and commit their offsets. */
  public void deleteConnector(String name) {
    FutureCallback<Object> done = new FutureCallback<>();
    connect
        .herder()
        .deleteConnectorConfig(name, (error, deleted) -> done.onCompletion(error, deleted));
    try {
      done.get(60, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException("connector was not deleted", e);
    }
  }

  /** States of the connector's tasks (RUNNING, FAILED, ...); empty before tasks are assigned. */
  public List<String> taskStates(String connector) {
    return connect.herder().connectorStatus(connector).tasks().stream()
        .map(ConnectorStateInfo.AbstractState::state)
        .toList();
  }

  @Override
  public void close() {
    if (ops != null) {
      ops.close();
    }
    connect.stop();
  }

  public static void main(String[] args) throws Exception {
    String worker = args.length > 0 ? args[0] : DEFAULT_WORKER;
    List<String> connectors =
        args.length > 1 ? List.of(args).subList(1, args.length) : List.of(DEFAULT_CONNECTOR);
    Map<String, String> workerProps =
        new HashMap<>(Utils.propsToStringMap(Utils.loadProps(worker)));
    AbstractConfig runner;
    try {
      runner = runnerConfig(workerProps, System.getenv());
    } catch (ConfigException e) {
      LOG.error("cannot start: {}", e.getMessage());
      System.exit(2);
      return;
    }
    StandaloneSink sink = start(workerProps);
    Runtime.getRuntime().addShutdownHook(new Thread(sink::close, "standalone-sink-shutdown"));
    int port =
        sink.serveHealth(
            runner.getInt(HEALTH_PORT_CONFIG),
            Duration.ofMillis(runner.getLong(HEALTH_LIVENESS_GRACE_MS_CONFIG)));
    LOG.info("fhirflow sink health port={}", port);
    for (String file : connectors) {
      sink.putConnector(Utils.propsToStringMap(Utils.loadProps(Path.of(file).toString())));
    }
    sink.ready();
    sink.connect.awaitStop();
  }
}

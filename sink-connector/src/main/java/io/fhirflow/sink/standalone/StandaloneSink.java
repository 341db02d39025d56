package io.fhirflow.sink.standalone;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.utils.Utils;
import org.apache.kafka.connect.cli.ConnectStandalone;
import org.apache.kafka.connect.runtime.Connect;
import org.apache.kafka.connect.runtime.ConnectorConfig;
import org.apache.kafka.connect.runtime.rest.entities.ConnectorStateInfo;
import org.apache.kafka.connect.runtime.standalone.StandaloneHerder;
import org.apache.kafka.connect.util.FutureCallback;

/**
 * Runs the sink without a Connect cluster: Kafka Connect's own standalone mode (connect-runtime),
 * in this JVM. Used by the local run and by the integration tests.
 *
 * <pre>
 * StandaloneSink [worker.properties] [connector.properties ...]
 * defaults: config/sink-standalone.properties config/fhir-sink-connector.properties
 * </pre>
 */
public final class StandaloneSink implements AutoCloseable {

  static final String DEFAULT_WORKER = "config/sink-standalone.properties";
  static final String DEFAULT_CONNECTOR = "config/fhir-sink-connector.properties";

  private final Connect<StandaloneHerder> connect;

  private StandaloneSink(Connect<StandaloneHerder> connect) {
    this.connect = connect;
  }

  /** Starts a standalone worker with the given worker properties and no connectors yet. */
  public static StandaloneSink start(Map<String, String> workerProps) {
    return new StandaloneSink(new ConnectStandalone().startConnect(workerProps));
  }

  /** Creates (or reconfigures) a connector and waits until the worker has accepted it. */
  public void putConnector(Map<String, String> connectorProps) {
    FutureCallback<Object> done = new FutureCallback<>();
    connect.herder().putConnectorConfig(connectorProps.get(ConnectorConfig.NAME_CONFIG),
        connectorProps, true, (error, created) -> done.onCompletion(error, created));
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
    connect.herder().deleteConnectorConfig(name, (error, deleted) -> done.onCompletion(error, deleted));
    try {
      done.get(60, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException("connector was not deleted", e);
    }
  }

  /** States of the connector's tasks (RUNNING, FAILED, ...); empty before tasks are assigned. */
  public List<String> taskStates(String connector) {
    return connect.herder().connectorStatus(connector).tasks().stream()
        .map(ConnectorStateInfo.AbstractState::state).toList();
  }

  @Override
  public void close() {
    connect.stop();
  }

  public static void main(String[] args) throws Exception {
    String worker = args.length > 0 ? args[0] : DEFAULT_WORKER;
    List<String> connectors = args.length > 1
        ? List.of(args).subList(1, args.length) : List.of(DEFAULT_CONNECTOR);
    StandaloneSink sink = start(Utils.propsToStringMap(Utils.loadProps(worker)));
    Runtime.getRuntime().addShutdownHook(new Thread(sink::close, "standalone-sink-shutdown"));
    for (String file : connectors) {
      sink.putConnector(Utils.propsToStringMap(Utils.loadProps(Path.of(file).toString())));
    }
    sink.ready();
    sink.connect.awaitStop();
  }
}

package io.fhirflow.bench.sink;

import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.connect.cli.ConnectStandalone;
import org.apache.kafka.connect.runtime.Connect;
import org.apache.kafka.connect.runtime.standalone.StandaloneHerder;
import org.apache.kafka.connect.util.FutureCallback;

/** A Connect standalone worker in this JVM; both sinks load from its plugin.path. */
final class ConnectWorker implements AutoCloseable {

  private final Connect<StandaloneHerder> connect;

  ConnectWorker(Map<String, String> workerProps) {
    this.connect = new ConnectStandalone().startConnect(workerProps);
  }

  void put(Map<String, String> connector) throws Exception {
    FutureCallback<Object> done = new FutureCallback<>();
    connect.herder().putConnectorConfig(connector.get("name"), connector, true, done::onCompletion);
    done.get(120, TimeUnit.SECONDS);
  }

  void delete(String name) throws Exception {
    FutureCallback<Object> done = new FutureCallback<>();
    connect.herder().deleteConnectorConfig(name, done::onCompletion);
    done.get(120, TimeUnit.SECONDS);
  }

  /** Task states, for a failure report. */
  String status(String name) {
    return connect.herder().connectorStatus(name).tasks().stream()
        .map(t -> t.state() + (t.trace() == null ? "" : " " + t.trace().lines().limit(3).toList()))
        .toList()
        .toString();
  }

  @Override
  public void close() {
    connect.stop();
  }
}

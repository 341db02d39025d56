package io.fhirflow.bench.sink;

import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.connect.connector.Task;
import org.apache.kafka.connect.sink.SinkConnector;
import org.apache.kafka.connect.sink.SinkRecord;
import org.apache.kafka.connect.sink.SinkTask;

/**
 * A sink that writes nothing: what Kafka Connect and the broker cost per record before a sink does
 * any work (fetching, the converters, the task loop, offset commits), so the benchmark can put the
 * real sinks' JVM figures beside the floor they stand on (issue 19 item 2). Loaded from the
 * worker's class path, not plugin.path. Every record it is given is counted as done, so its offsets
 * commit as a sink's do after its database write.
 */
public final class NullSinkConnector extends SinkConnector {

  private Map<String, String> props;

  @Override
  public void start(Map<String, String> props) {
    this.props = props;
  }

  @Override
  public Class<? extends Task> taskClass() {
    return Discard.class;
  }

  @Override
  public List<Map<String, String>> taskConfigs(int maxTasks) {
    return Collections.nCopies(maxTasks, props);
  }

  @Override
  public void stop() {}

  @Override
  public ConfigDef config() {
    return new ConfigDef();
  }

  @Override
  public String version() {
    return "bench";
  }

  /** Drops every record (the worker has already fetched and converted it). */
  public static final class Discard extends SinkTask {

    @Override
    public void start(Map<String, String> props) {}

    @Override
    public void put(Collection<SinkRecord> records) {
      // Nothing to write: its offsets commit as a sink's do after its database write.
    }

    @Override
    public void stop() {}

    @Override
    public String version() {
      return "bench";
    }
  }
}

package io.fhirflow.sink;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.connect.connector.Task;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.sink.SinkConnector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Kafka Connect sink that upserts FHIR R4 JSON resources (Observation, Patient, Device) into
 * PostgreSQL: batched, newer-wins on (meta.versionId, meta.lastUpdated), replay-safe. Keys: {@link
 * FhirSinkConnectorConfig}. Every task gets the same config; Connect spreads partitions.
 */
public class FhirSinkConnector extends SinkConnector {

  private static final Logger log = LoggerFactory.getLogger(FhirSinkConnector.class);

  static final String VERSION = "0.1.0";

  /**
   * The consumer setting this connector needs on its own config (a worker-wide one is invisible to
   * it).
   */
  static final String ISOLATION_OVERRIDE = "consumer.override.isolation.level";

  static final String READ_COMMITTED = "read_committed";

  private Map<String, String> props;

  @Override
  public String version() {
    return VERSION;
  }

  @Override
  public void start(Map<String, String> props) {
    FhirSinkConnectorConfig config = new FhirSinkConnectorConfig(props);
    String tolerance =
        props.getOrDefault("errors.tolerance", "none").trim().toLowerCase(Locale.ROOT);
    String dlq = props.getOrDefault("errors.deadletterqueue.topic.name", "").trim();
    if (tolerance.equals("all") && dlq.isEmpty()) {
      throw new ConnectException(
          "errors.tolerance=all without errors.deadletterqueue.topic.name"
              + " would drop unwritable records; set the dead-letter topic (e.g. fhir.r4.dlq)");
    }
    requireReadCommitted(props);
    log.info(
        "fhirflow sink config {} errors.tolerance={} errors.deadletterqueue.topic.name={}",
        config.effectiveConfigForLog(),
        tolerance,
        dlq.isEmpty() ? "(none: unwritable records fail the task)" : dlq);
    this.props = Map.copyOf(props);
  }

  /**
   * The topology writes transactionally: a read_uncommitted consumer would store the output of
   * aborted transactions (a retried batch twice, a rejected sample's Observation) in PostgreSQL. A
   * worker-level {@code consumer.isolation.level} cannot be seen from here, so the connector's own
   * override is required.
   */
  static void requireReadCommitted(Map<String, String> props) {
    String isolation = props.getOrDefault(ISOLATION_OVERRIDE, "").trim().toLowerCase(Locale.ROOT);
    if (!isolation.equals(READ_COMMITTED)) {
      throw new ConnectException(
          "the fhirflow sink reads only committed records: set "
              + ISOLATION_OVERRIDE
              + "="
              + READ_COMMITTED
              + " on the connector (found "
              + (isolation.isEmpty() ? "none" : isolation)
              + "); the worker must allow client overrides"
              + " (connector.client.config.override.policy=All, the default)");
    }
  }

  @Override
  public Class<? extends Task> taskClass() {
    return FhirSinkTask.class;
  }

  @Override
  public List<Map<String, String>> taskConfigs(int maxTasks) {
    List<Map<String, String>> configs = new ArrayList<>(maxTasks);
    for (int i = 0; i < maxTasks; i++) {
      configs.add(props);
    }
    return configs;
  }

  @Override
  public void stop() {
    // Nothing to release: the connector holds no connection; tasks own theirs.
  }

  @Override
  public ConfigDef config() {
    return FhirSinkConnectorConfig.CONFIG_DEF;
  }
}

package io.fhirflow.sink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fhirflow.contracts.PipelineTopic;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.connect.errors.ConnectException;
import org.assertj.core.api.AbstractThrowableAssert;
import org.junit.jupiter.api.Test;

class FhirSinkConnectorTest {

  private static Map<String, String> props() {
    Map<String, String> props = new HashMap<>();
    props.put("name", "fhirflow-sink");
    props.put("topics", PipelineTopic.Names.OBSERVATION);
    props.put("connection.url", "jdbc:postgresql://db/fhir");
    props.put("consumer.override.isolation.level", "read_committed");
    return props;
  }

  /** Asserts that the connector refuses to start with {@code props}, for asserting on why. */
  private static AbstractThrowableAssert<?, ? extends Throwable> assertRefusesToStart(
      Map<String, String> props) {
    return assertThatThrownBy(() -> new FhirSinkConnector().start(props))
        .isInstanceOf(ConnectException.class);
  }

  @Test
  void givesEveryTaskTheSameConfig() {
    FhirSinkConnector connector = new FhirSinkConnector();
    connector.start(props());
    assertThat(connector.taskConfigs(3))
        .hasSize(3)
        .allSatisfy(c -> assertThat(c).isEqualTo(props()));
    assertThat(connector.taskClass()).isEqualTo(FhirSinkTask.class);
    assertThat(connector.config()).isSameAs(FhirSinkConnectorConfig.CONFIG_DEF);
  }

  @Test
  void refusesToTolerateErrorsWithoutADeadLetterTopicBecauseRecordsWouldBeDropped() {
    Map<String, String> props = props();
    props.put("errors.tolerance", "all");
    assertRefusesToStart(props).hasMessageContaining("errors.deadletterqueue.topic.name");
    props.put("errors.deadletterqueue.topic.name", PipelineTopic.Names.FHIR_DEAD_LETTER);
    new FhirSinkConnector().start(props);
  }

  @Test
  void refusesToStartUnlessItsConsumerReadsCommittedRecordsOnly() {
    Map<String, String> props = props();
    props.remove("consumer.override.isolation.level");
    assertRefusesToStart(props)
        .hasMessageContaining("consumer.override.isolation.level=read_committed");
    props.put("consumer.override.isolation.level", "read_uncommitted");
    assertRefusesToStart(props).hasMessageContaining("found read_uncommitted");
    props.put("consumer.override.isolation.level", "READ_COMMITTED");
    new FhirSinkConnector().start(props);
  }

  @Test
  void failsAtStartOnAnInvalidKey() {
    Map<String, String> props = props();
    props.put("write.method", "upsert-maybe");
    assertThatThrownBy(() -> new FhirSinkConnector().start(props))
        .isInstanceOf(ConfigException.class);
  }
}

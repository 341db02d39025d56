package io.fhirflow.sink.standalone;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fhirflow.testkit.SettableClock;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;

class SinkHealthTest {

  static final Instant T0 = Instant.parse("2026-12-05T10:00:00Z");

  @Test
  void readyOnlyWhenStartedAndEveryConnectorAndTaskRuns() {
    SinkHealth health = new SinkHealth(Clock.fixed(T0, ZoneOffset.UTC), Duration.ofMinutes(1));
    assertThat(health.observe(false, Map.of()).ready().ok()).isFalse();
    assertThat(health.observe(true, Map.of()).ready().ok()).as("no connectors").isFalse();
    assertThat(health.observe(true, Map.of("sink", List.of("RUNNING"))).ready().ok())
        .as("no tasks yet")
        .isFalse();
    assertThat(
            health
                .observe(true, Map.of("sink", List.of("RUNNING", "RUNNING", "UNASSIGNED")))
                .ready()
                .ok())
        .isFalse();
    SinkHealth.Answer running =
        health.observe(true, Map.of("sink", List.of("RUNNING", "RUNNING", "RUNNING")));
    assertThat(running.ready().ok()).isTrue();
    assertThat(running.ready().text()).isEqualTo("sink RUNNING tasks=RUNNING,RUNNING");
    assertThat(running.live().ok()).isTrue();
  }

  @Test
  void aFailedTaskIsNotReadyAtOnceAndNotLiveAfterTheGraceUntilItRecovers() {
    SettableClock clock = new SettableClock(T0);
    SinkHealth health = new SinkHealth(clock, Duration.ofMinutes(1));
    Map<String, List<String>> failed = Map.of("sink", List.of("RUNNING", "RUNNING", "FAILED"));
    SinkHealth.Answer first = health.observe(true, failed);
    assertThat(first.ready().ok()).isFalse();
    assertThat(first.live().ok()).isTrue();
    clock.set(T0.plusSeconds(60));
    assertThat(health.observe(true, failed).live().ok()).as("at the grace").isTrue();
    clock.set(T0.plusSeconds(61));
    SinkHealth.Answer late = health.observe(true, failed);
    assertThat(late.live().ok()).isFalse();
    assertThat(late.live().text()).startsWith("FAILED for longer than 60 s");
    clock.set(T0.plusSeconds(62));
    assertThat(health.observe(true, Map.of("sink", List.of("RUNNING", "RUNNING"))).live().ok())
        .as("recovered")
        .isTrue();
    clock.set(T0.plusSeconds(200));
    assertThat(health.observe(true, failed).live().ok())
        .as("a new failure has its own grace")
        .isTrue();
  }

  @Test
  void theRunnersKeysComeOutOfTheWorkerFileAndTheEnvironmentOverridesThem() {
    Map<String, String> worker =
        new HashMap<>(Map.of("bootstrap.servers", "b:9092", "health.port", "9000"));
    var config =
        StandaloneSink.runnerConfig(
            worker,
            Map.of("FHIRFLOW_SINK_HEALTH_LIVENESS_GRACE_MS", "5000", "FHIRFLOW_SINK_PORT", "1"));
    assertThat(worker).containsOnlyKeys("bootstrap.servers");
    assertThat(config.getInt(StandaloneSink.HEALTH_PORT_CONFIG)).isEqualTo(9000);
    assertThat(config.getLong(StandaloneSink.HEALTH_LIVENESS_GRACE_MS_CONFIG)).isEqualTo(5000L);
    assertThatThrownBy(
            () ->
                StandaloneSink.runnerConfig(
                    new HashMap<>(), Map.of("FHIRFLOW_SINK_HEALTH_PROT", "1")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("FHIRFLOW_SINK_HEALTH_PROT");
  }
}

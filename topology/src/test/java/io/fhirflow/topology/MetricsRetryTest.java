package io.fhirflow.topology;

import static org.assertj.core.api.Assertions.assertThat;

import io.fhirflow.schema.WearableSample;
import io.fhirflow.testkit.WearableSamples;
import java.time.LocalDate;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A Redis fault is not lost data: values of batches Redis did not take are offered again, from the
 * metrics branch's unwritten-values store, once it answers (docs/redis-metrics.md, "Redis outage").
 */
class MetricsRetryTest {

  @RegisterExtension final TopologyHarness flow = new TopologyHarness();

  @Test
  void valuesOfBatchesRedisDidNotTakeAreWrittenOnceItAnswersAndOnlyThen() {
    flow.redisAnswers = false;
    WearableSample hr = WearableSamples.healthKitHeartRate().build();
    flow.send(hr);
    String patient = flow.observations.readRecordsToList().get(0).key();
    String day = TopologyHarness.dayField(patient, LocalDate.of(2026, 3, 14), "heart_rate");
    String latest = TopologyHarness.latestField(patient, "heart_rate");
    assertThat(flow.flushedRedisValues()).containsKeys(day, latest); // offered once, not taken
    flow.redisBatches.clear();

    // While Redis does not answer, nothing is offered again (no busy loop)...
    flow.flushedRedisValues();
    assertThat(flow.redisBatches).isEmpty();

    // ...and once it does, both values go again, without any new sample.
    flow.redisAnswers = true;
    Map<String, String> retried = flow.flushedRedisValues();
    assertThat(retried).containsKeys(day, latest);
    assertThat(retried.get(day)).contains("\"count\":1");

    // Written and confirmed: not offered a third time.
    flow.redisBatches.clear();
    flow.flushedRedisValues();
    flow.flushedRedisValues();
    assertThat(flow.redisBatches).isEmpty();
  }
}

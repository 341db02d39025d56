package io.fhirflow.contracts;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.LocalDate;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * The one place a test spells the wire names: what other processes, operators and dashboards read.
 * Every other test names them through their owner, so renaming one is a change here, visible as a
 * contract change (docs/contracts.md), not a find-and-replace across the tests.
 */
class WireNamesTest {

  @Test
  void deadLetterHeaders() {
    assertThat(DeadLetterHeaders.PREFIX).isEqualTo("dlq.");
    assertThat(DeadLetterHeaders.STAGE).isEqualTo("dlq.stage");
    assertThat(DeadLetterHeaders.REASON).isEqualTo("dlq.reason");
    assertThat(DeadLetterHeaders.ERROR_CLASS).isEqualTo("dlq.error.class");
    assertThat(DeadLetterHeaders.SOURCE_TOPIC).isEqualTo("dlq.source.topic");
    assertThat(DeadLetterHeaders.SOURCE_PARTITION).isEqualTo("dlq.source.partition");
    assertThat(DeadLetterHeaders.SOURCE_OFFSET).isEqualTo("dlq.source.offset");
    assertThat(DeadLetterHeaders.SOURCE_LINE).isEqualTo("dlq.source.line");
    assertThat(DeadLetterHeaders.TIME).isEqualTo("dlq.time");
    assertThat(DeadLetterHeaders.TRUNCATED).isEqualTo("dlq.truncated");
    assertThat(DeadLetterHeaders.ORIGINAL_VALUE_BYTES).isEqualTo("dlq.original.value.bytes");
  }

  @Test
  void deadLetterReasonsOwnedHere() {
    assertThat(DeadLetterReasons.OUTPUT_TOO_LARGE).isEqualTo("OUTPUT_TOO_LARGE");
    assertThat(PatientOwnership.MISMATCH_REASON).isEqualTo("PATIENT_MISMATCH");
  }

  @Test
  void fhirRecordHeaders() {
    assertThat(FhirRecordHeaders.RESOURCE_TYPE).isEqualTo("fhir.resourceType");
    assertThat(FhirRecordHeaders.FHIR_VERSION).isEqualTo("fhir.version");
    assertThat(FhirRecordHeaders.FHIR_VERSION_VALUE).isEqualTo("4.0.1");
    assertThat(FhirRecordHeaders.SOURCE_RECORD_ID).isEqualTo("fhirflow.sourceRecordId");
    assertThat(FhirRecordHeaders.RESOURCE_ID).isEqualTo("fhir.resourceId");
    assertThat(FhirRecordHeaders.TENANT).isEqualTo("fhirflow.tenant");
    assertThat(FhirRecordHeaders.ERASURE_REQUEST_ID).isEqualTo("fhirflow.erasureRequestId");
  }

  @Test
  void topicDefaultNames() {
    assertThat(Arrays.stream(PipelineTopic.values()).map(PipelineTopic::defaultName))
        .containsExactly(
            "wearable.samples.raw",
            "wearable.samples.dlq",
            "fhir.r4.observation",
            "fhir.r4.patient",
            "fhir.r4.device",
            "fhir.r4.auditevent",
            "fhir.r4.dlq",
            "fhirflow.erasure.requests");
  }

  @Test
  void redisKeyLayout() {
    RedisKeyLayout keys = new RedisKeyLayout(RedisKeyLayout.DEFAULT_PREFIX);
    assertThat(keys.latest(Tenants.DEFAULT, "p1")).isEqualTo("fhirflow:patient:p1:latest");
    assertThat(keys.day(Tenants.DEFAULT, "p1", LocalDate.of(2026, 12, 7)))
        .isEqualTo("fhirflow:patient:p1:day:2026-12-07");
    assertThat(keys.latest("acme", "p1")).isEqualTo("fhirflow:tenant:acme:patient:p1:latest");
    assertThat(keys.writerMarker("w1")).isEqualTo("fhirflow:writer:w1");
  }
}

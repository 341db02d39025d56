package io.fhirflow.contracts;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The one place a test spells the wire names: what other processes, operators and dashboards read.
 * Every other test names them through their owner (ContractOwnershipTest keeps it so), so renaming
 * one is a change of a row here, visible as a contract change (docs/contracts.md), not a
 * find-and-replace across the tests. A new constant of an owner must get its row.
 */
class WireNamesTest {

  /** Owner's constant, then the name on the wire. */
  private static final List<String> PINNED =
      List.of(
          "DeadLetterHeaders.PREFIX dlq.",
          "DeadLetterHeaders.STAGE dlq.stage",
          "DeadLetterHeaders.REASON dlq.reason",
          "DeadLetterHeaders.ERROR_CLASS dlq.error.class",
          "DeadLetterHeaders.SOURCE_TOPIC dlq.source.topic",
          "DeadLetterHeaders.SOURCE_PARTITION dlq.source.partition",
          "DeadLetterHeaders.SOURCE_OFFSET dlq.source.offset",
          "DeadLetterHeaders.SOURCE_LINE dlq.source.line",
          "DeadLetterHeaders.TIME dlq.time",
          "DeadLetterHeaders.TRUNCATED dlq.truncated",
          "DeadLetterHeaders.ORIGINAL_VALUE_BYTES dlq.original.value.bytes",
          "DeadLetterReasons.OUTPUT_TOO_LARGE OUTPUT_TOO_LARGE",
          "PatientOwnership.MISMATCH_REASON PATIENT_MISMATCH",
          "FhirRecordHeaders.RESOURCE_TYPE fhir.resourceType",
          "FhirRecordHeaders.FHIR_VERSION fhir.version",
          "FhirRecordHeaders.FHIR_VERSION_VALUE 4.0.1",
          "FhirRecordHeaders.SOURCE_RECORD_ID fhirflow.sourceRecordId",
          "FhirRecordHeaders.RESOURCE_ID fhir.resourceId",
          "FhirRecordHeaders.TENANT fhirflow.tenant",
          "FhirRecordHeaders.ERASURE_REQUEST_ID fhirflow.erasureRequestId",
          "PipelineTopic$Names.RAW wearable.samples.raw",
          "PipelineTopic$Names.RAW_DEAD_LETTER wearable.samples.dlq",
          "PipelineTopic$Names.OBSERVATION fhir.r4.observation",
          "PipelineTopic$Names.PATIENT fhir.r4.patient",
          "PipelineTopic$Names.DEVICE fhir.r4.device",
          "PipelineTopic$Names.AUDIT_EVENT fhir.r4.auditevent",
          "PipelineTopic$Names.FHIR_DEAD_LETTER fhir.r4.dlq",
          "PipelineTopic$Names.ERASURE fhirflow.erasure.requests");

  private static final List<Class<?>> OWNERS =
      List.of(
          DeadLetterHeaders.class,
          DeadLetterReasons.class,
          PatientOwnership.class,
          FhirRecordHeaders.class,
          PipelineTopic.Names.class);

  static Stream<String> pinned() {
    return PINNED.stream();
  }

  @ParameterizedTest
  @MethodSource("pinned")
  void isSpelledOnTheWireAsPinned(String row) throws ReflectiveOperationException {
    String[] constantAndName = row.split(" ");
    String constant = constantAndName[0];
    int dot = constant.lastIndexOf('.');
    Class<?> owner = Class.forName("io.fhirflow.contracts." + constant.substring(0, dot));
    assertThat(owner.getField(constant.substring(dot + 1)).get(null)).isEqualTo(constantAndName[1]);
  }

  @Test
  void everyNameTheOwnersDefineIsPinned() {
    List<String> defined = new ArrayList<>();
    for (Class<?> owner : OWNERS) {
      for (Field f : owner.getFields()) {
        if (Modifier.isStatic(f.getModifiers()) && f.getType() == String.class) {
          defined.add(
              owner.getName().substring("io.fhirflow.contracts.".length()) + "." + f.getName());
        }
      }
    }
    assertThat(PINNED.stream().map(row -> row.split(" ")[0]))
        .containsExactlyInAnyOrderElementsOf(defined);
  }

  @Test
  void everyTopicTakesItsPinnedDefaultName() {
    assertThat(Arrays.stream(PipelineTopic.values()).map(PipelineTopic::defaultName))
        .containsExactlyElementsOf(
            PINNED.stream()
                .filter(row -> row.startsWith("PipelineTopic$Names."))
                .map(row -> row.split(" ")[1])
                .toList());
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

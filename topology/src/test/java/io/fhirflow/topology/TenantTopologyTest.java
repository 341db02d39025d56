package io.fhirflow.topology;

import static io.fhirflow.topology.FhirFlowTopologyTest.assertValidFhir;
import static io.fhirflow.topology.FhirFlowTopologyTest.header;
import static org.assertj.core.api.Assertions.assertThat;

import io.fhirflow.contracts.DeadLetterHeaders;
import io.fhirflow.contracts.FhirRecordHeaders;
import io.fhirflow.contracts.FhirSystems;
import io.fhirflow.contracts.RedisKeyLayout;
import io.fhirflow.contracts.Tenants;
import io.fhirflow.mapping.ResourceIds;
import io.fhirflow.mapping.testing.FhirResourceValidator;
import io.fhirflow.schema.HkQuantity;
import io.fhirflow.schema.WearableSample;
import io.fhirflow.testkit.WearableSamples;
import io.fhirflow.topology.ops.TenantFlowCounters;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.test.TestRecord;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Resource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Tenants through the real topology (docs/tenants.md): the tenant is the raw topic's. */
class TenantTopologyTest {

  private static final String ACME = "acme";
  private static final String USER = "user-shared";
  @RegisterExtension final TopologyHarness flow = new TopologyHarness();

  @Test
  void theSameUserAndRecordInTwoTenantsAreTwoPatientsEachWithItsOwnOutputs() {
    WearableSample sample = WearableSamples.healthKitHeartRate().setUserId(USER).build();
    flow.send(sample);
    flow.sendToTenant(ACME, sample);

    List<TestRecord<String, String>> observations = flow.observations.readRecordsToList();
    List<TestRecord<String, String>> patients = flow.patients.readRecordsToList();
    List<TestRecord<String, String>> devices = flow.devices.readRecordsToList();
    // Not a duplicate: the same record id of the same user id in another tenant is another
    // person's.
    assertThat(observations).hasSize(2);
    assertThat(patients).hasSize(2);
    assertThat(devices).hasSize(2);

    Map<String, String> patientOfTenant =
        observations.stream()
            .collect(
                Collectors.toMap(
                    r -> header(r.headers(), FhirRecordHeaders.TENANT), TestRecord::key));
    assertThat(patientOfTenant)
        .containsEntry(Tenants.DEFAULT, ResourceIds.patient(USER))
        .containsEntry(ACME, ResourceIds.patient(ACME, USER));
    assertThat(ResourceIds.patient(ACME, USER)).isNotEqualTo(ResourceIds.patient(USER));

    for (List<TestRecord<String, String>> topic : List.of(observations, patients, devices)) {
      for (TestRecord<String, String> r : topic) {
        String tenant = header(r.headers(), FhirRecordHeaders.TENANT);
        assertValidFhir(r.value());
        assertThat(tenantTags(r.value())).containsExactly(tenant);
      }
    }
    // The subject of acme's Observation is acme's Patient.
    TestRecord<String, String> acmeObservation =
        observations.stream()
            .filter(r -> ACME.equals(header(r.headers(), FhirRecordHeaders.TENANT)))
            .findFirst()
            .orElseThrow();
    assertThat(acmeObservation.value())
        .contains("\"Patient/" + ResourceIds.patient(ACME, USER) + "\"");
  }

  @Test
  void aTenantsRecordsAreCountedThoughTheirOffsetsTrailTheDefaultTopicsInTheSameTask() {
    // One task reads partition 0 of both raw topics: the default topic's offsets run ahead.
    for (int i = 0; i < 5; i++) {
      flow.send(
          WearableSamples.healthKitHeartRate().setUserId(USER).setRecordId("default-" + i).build());
    }
    flow.sendToTenant(
        ACME, WearableSamples.healthKitHeartRate().setUserId(USER).setRecordId("acme-0").build());

    assertThat(flow.observations.readRecordsToList()).hasSize(6);
    assertThat(flow.counters.inCount()).isEqualTo(6);
    assertThat(flow.counters.outCount()).isEqualTo(6);
  }

  /** Issue 15: the conservation counters carry the tenant, and the equation holds per tenant. */
  @Test
  void theConservationCountersCountEachTenantsRecordsUnderItsOwnTenant() {
    WearableSample sample = WearableSamples.healthKitHeartRate().setUserId(USER).build();
    flow.send(sample);
    flow.sendToTenant(ACME, sample);
    flow.sendToTenant(ACME, sample); // a duplicate in acme only
    flow.sendToTenant(
        ACME,
        USER.getBytes(StandardCharsets.UTF_8),
        "not avro".getBytes(StandardCharsets.UTF_8),
        new RecordHeaders());

    assertThat(tenantCount("fhirflow.samples.in", ACME)).isEqualTo(3);
    assertThat(tenantCount("fhirflow.samples.out", ACME)).isEqualTo(1);
    assertThat(tenantCount("fhirflow.samples.duplicates", ACME)).isEqualTo(1);
    assertThat(tenantCount("fhirflow.samples.dead.lettered", ACME)).isEqualTo(1);
    assertThat(tenantCount("fhirflow.samples.in", Tenants.DEFAULT)).isEqualTo(1);
    assertThat(tenantCount("fhirflow.samples.out", Tenants.DEFAULT)).isEqualTo(1);
    assertThat(tenantCount("fhirflow.samples.duplicates", Tenants.DEFAULT)).isZero();
    assertThat(tenantCount("fhirflow.samples.dead.lettered", Tenants.DEFAULT)).isZero();
    assertThat(flow.counters.inCount()).isEqualTo(4);
  }

  private double tenantCount(String meter, String tenant) {
    return flow.registry.find(meter).tag(TenantFlowCounters.TAG, tenant).counters().stream()
        .mapToDouble(io.micrometer.core.instrument.Counter::count)
        .sum();
  }

  @Test
  void theDefaultTenantKeepsTheIdsOfADeploymentFromBeforeTenants() {
    // Fixed forever: the Patient id of user-0001 before tenants existed.
    assertThat(ResourceIds.patient(Tenants.DEFAULT, WearableSamples.USER_ID))
        .isEqualTo(ResourceIds.patient(WearableSamples.USER_ID));
    flow.send(WearableSamples.healthKitHeartRate().build());
    TestRecord<String, String> observation = flow.observations.readRecord();
    assertThat(observation.key()).isEqualTo(ResourceIds.patient(WearableSamples.USER_ID));
    assertThat(header(observation.headers(), FhirRecordHeaders.TENANT)).isEqualTo(Tenants.DEFAULT);
  }

  @Test
  void aDeadLetterCarriesTheTopicsTenantNotTheOneTheGatewayClaims() {
    RecordHeaders forged = new RecordHeaders();
    forged.add(FhirRecordHeaders.TENANT, Tenants.DEFAULT.getBytes(StandardCharsets.UTF_8));
    flow.sendToTenant(
        ACME,
        USER.getBytes(StandardCharsets.UTF_8),
        "not avro".getBytes(StandardCharsets.UTF_8),
        forged);

    TestRecord<byte[], byte[]> dead = flow.deadLetters.readRecord();
    assertThat(dead.headers().headers(FhirRecordHeaders.TENANT)).hasSize(1);
    assertThat(header(dead.headers(), FhirRecordHeaders.TENANT)).isEqualTo(ACME);
    assertThat(header(dead.headers(), DeadLetterHeaders.SOURCE_TOPIC))
        .isEqualTo(Tenants.rawTopic(flow.topics.raw(), ACME));
    assertThat(flow.observations.isEmpty()).isTrue();
  }

  @Test
  void anErasureInOneTenantLeavesTheSameUserIdOfAnotherTenantAlone() {
    WearableSample sample = WearableSamples.healthKitHeartRate().setUserId(USER).build();
    flow.send(sample);
    flow.sendToTenant(ACME, sample);
    flow.observations.readRecordsToList();
    flow.patients.readRecordsToList();

    flow.erase(ACME, USER);

    List<TestRecord<String, String>> tombstones = flow.patients.readRecordsToList();
    assertThat(tombstones)
        .extracting(TestRecord::key)
        .containsExactly(ResourceIds.patient(ACME, USER));
    assertThat(header(tombstones.get(0).headers(), FhirRecordHeaders.TENANT)).isEqualTo(ACME);
    String audit = flow.auditEvents.readValue();
    assertValidFhir(audit);
    assertThat(tenantTags(audit)).containsExactly(ACME);

    // acme's dedupe state is gone, the default tenant's is not: the same sample again is new in
    // acme and a duplicate in the default tenant.
    flow.observations.readRecordsToList();
    flow.send(sample);
    flow.sendToTenant(ACME, sample);
    assertThat(flow.observations.readRecordsToList())
        .extracting(r -> header(r.headers(), FhirRecordHeaders.TENANT))
        .containsExactly(ACME);
  }

  /**
   * The metrics view of the same user id in two tenants: two sets of Redis keys, each under its
   * tenant's base (docs/redis-metrics.md); values offered again after a failed batch and the view
   * rewritten after Redis lost data go to the same keys (the tenant is read back from the state's
   * keys); an erasure in acme removes acme's keys only.
   */
  @Test
  void theSameUserIdInTwoTenantsHasTwoSetsOfRedisKeysAndAnErasureRemovesOnlyItsTenants() {
    RedisKeyLayout layout = new RedisKeyLayout(RedisKeyLayout.DEFAULT_PREFIX);
    String defaultBase = layout.patientBase(Tenants.DEFAULT, ResourceIds.patient(USER));
    String acmeBase = layout.patientBase(ACME, ResourceIds.patient(ACME, USER));
    assertThat(acmeBase).isNotEqualTo(defaultBase);

    flow.redisAnswers = false; // the first batch fails: its values are offered again
    flow.send(WearableSamples.healthKitHeartRate().setUserId(USER).build());
    flow.sendToTenant(
        ACME,
        WearableSamples.healthKitHeartRate()
            .setUserId(USER)
            .setBody(HkQuantity.newBuilder().setValue(91).setUnit("count/min").build())
            .build());
    flow.flushedRedisValues();
    flow.redisBatches.clear();
    flow.redisAnswers = true;
    Map<String, String> retried = flow.flushedRedisValues();
    assertThat(retried.get(defaultBase + "latest heart_rate")).contains("\"value\":72");
    assertThat(retried.get(acmeBase + "latest heart_rate")).contains("\"value\":91");
    assertThat(retried.keySet())
        .as("every key is one of the two patients'")
        .allMatch(k -> k.startsWith(defaultBase) || k.startsWith(acmeBase))
        .anyMatch(k -> k.startsWith(defaultBase + "day:"))
        .anyMatch(k -> k.startsWith(acmeBase + "day:"));

    flow.redisBatches.clear();
    flow.redisLossGeneration++;
    assertThat(flow.flushedRedisValues()).as("rewritten from state").isEqualTo(retried);

    flow.erase(ACME, USER);
    flow.flushedRedisValues();
    assertThat(flow.redisErasures).containsExactly(acmeBase);
  }

  private static List<String> tenantTags(String json) {
    Resource resource =
        (Resource) FhirResourceValidator.context().newJsonParser().parseResource(json);
    return resource.getMeta().getTag().stream()
        .filter(t -> FhirSystems.TENANT.equals(t.getSystem()))
        .map(Coding::getCode)
        .toList();
  }
}

package io.fhirflow.api;

import static io.fhirflow.contracts.FhirSystems.HEALTHKIT;
import static io.fhirflow.contracts.FhirSystems.LOINC;
import static io.fhirflow.contracts.FhirSystems.OBSERVATION_CATEGORY;
import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.rest.api.SummaryEnum;
import ca.uhn.fhir.rest.client.api.IGenericClient;
import ca.uhn.fhir.rest.gclient.ICriterion;
import ca.uhn.fhir.rest.gclient.IQuery;
import io.fhirflow.api.support.ApiHarness;
import io.fhirflow.api.support.ApiPerClass;
import io.fhirflow.api.support.FhirSearches;
import io.fhirflow.api.support.Fixtures;
import io.fhirflow.api.support.SharedValidator;
import io.fhirflow.contracts.FhirSystems;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CapabilityStatement;
import org.hl7.fhir.r4.model.Device;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Resource;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Every search parameter and their combinations, on rows written by the sink, through HAPI's
 * generic client.
 */
class ObservationSearchIT {

  static final Instant T0 = Instant.parse("2026-11-20T00:00:00Z");
  static final String A = Fixtures.id("patient-a");
  static final String B = Fixtures.id("patient-b");
  static final String DEVICE_A = Fixtures.id("device-a");
  static final String DEVICE_B = Fixtures.id("device-b");

  @RegisterExtension static final ApiPerClass api = new ApiPerClass();
  static IGenericClient client;

  @BeforeAll
  static void start() throws Exception {
    List<String> rows = new ArrayList<>();
    rows.add(Fixtures.patient(A, "user-a"));
    rows.add(Fixtures.patient(B, "user-b"));
    rows.add(Fixtures.device(DEVICE_A, A, "watch-a"));
    rows.add(Fixtures.device(DEVICE_B, B, "watch-b"));
    for (int h = 0; h < 72; h++) {
      rows.add(
          Fixtures.heartRate(
              Fixtures.id("hr-a-" + h), A, DEVICE_A, T0.plus(h, ChronoUnit.HOURS), 60 + h % 30, 1));
    }
    for (int i = 0; i < 5; i++) {
      rows.add(
          Fixtures.oxygenSaturation(
              Fixtures.id("spo2-a-" + i),
              A,
              T0.plus(24 + i, ChronoUnit.HOURS).plus(30, ChronoUnit.MINUTES),
              95 + i * 0.5));
    }
    for (int d = 0; d < 3; d++) {
      Instant start = T0.plus(d, ChronoUnit.DAYS).plus(23, ChronoUnit.HOURS);
      rows.add(
          Fixtures.steps(
              Fixtures.id("steps-a-" + d), A, start, start.plus(2, ChronoUnit.HOURS), 1000 + d));
    }
    for (int h = 0; h < 10; h++) {
      rows.add(
          Fixtures.heartRate(
              Fixtures.id("hr-b-" + h), B, DEVICE_B, T0.plus(h, ChronoUnit.HOURS), 70, 1));
    }
    api.seed(rows);
    client = api.client(api.patientToken(A, "patient/*.rs"));
  }

  private static IQuery<Bundle> observations() {
    return client.search().forResource(Observation.class).returnBundle(Bundle.class);
  }

  private static List<Observation> all(Bundle first) {
    List<Observation> out = new ArrayList<>();
    Bundle page = first;
    while (true) {
      SharedValidator.assertValidWithEntries(page);
      page.getEntry().forEach(e -> out.add((Observation) e.getResource()));
      if (page.getLink(Bundle.LINK_NEXT) == null) {
        return out;
      }
      page = client.loadPage().next(page).execute();
    }
  }

  /**
   * Every page of the Observation search with all of {@code criteria}, at the default page size.
   */
  private static List<Observation> allWhere(ICriterion<?>... criteria) {
    IQuery<Bundle> query = observations();
    for (ICriterion<?> criterion : criteria) {
      query = query.where(criterion);
    }
    return all(query.execute());
  }

  private static Set<String> ids(List<? extends Resource> resources) {
    Set<String> ids = new HashSet<>();
    resources.forEach(r -> ids.add(r.getIdElement().getIdPart()));
    return ids;
  }

  @Test
  void searchByPatientReturnsEveryObservationOfThatPatientOnly() {
    List<Observation> found =
        all(observations().where(Observation.PATIENT.hasId(A)).count(1000).execute());
    assertThat(found).hasSize(80);
    assertThat(found)
        .allSatisfy(o -> assertThat(o.getSubject().getReference()).isEqualTo("Patient/" + A));
  }

  @Test
  void subjectIsTheSameAsPatient() {
    assertThat(
            all(
                observations()
                    .where(Observation.SUBJECT.hasId("Patient/" + A))
                    .count(1000)
                    .execute()))
        .hasSize(80);
  }

  @Test
  void codeMatchesSystemAndCode() {
    assertThat(
            all(
                observations()
                    .where(Observation.CODE.exactly().systemAndCode(LOINC, "8867-4"))
                    .count(500)
                    .execute()))
        .hasSize(72);
  }

  @Test
  void codeWithoutSystemMatchesAnyCoding() {
    assertThat(allWhere(Observation.CODE.exactly().code("8867-4"))).hasSize(72);
    assertThat(allWhere(Observation.CODE.exactly().code("HKQuantityTypeIdentifierStepCount")))
        .hasSize(3);
  }

  @Test
  void codeMatchesASecondaryLoincCoding() {
    assertThat(allWhere(Observation.CODE.exactly().systemAndCode(LOINC, "59408-5"))).hasSize(5);
  }

  @Test
  void systemOnlyMatchesEveryCodeOfThatSystem() {
    HttpResponseBundle r =
        HttpResponseBundle.get("/fhir/Observation?code=" + HEALTHKIT + "%7C&_count=1000");
    assertThat(r.bundle.getEntry()).hasSize(75);
  }

  @Test
  void commaSeparatedCodesAreAlternatives() {
    List<Observation> found =
        all(
            observations()
                .where(Observation.CODE.exactly().codes("8867-4", "55423-8"))
                .count(1000)
                .execute());
    assertThat(found).hasSize(75);
  }

  @Test
  void categorySelectsVitalSignsOrActivity() {
    assertThat(
            all(
                observations()
                    .where(
                        Observation.CATEGORY
                            .exactly()
                            .systemAndCode(OBSERVATION_CATEGORY, "vital-signs"))
                    .count(1000)
                    .execute()))
        .hasSize(77);
    assertThat(allWhere(Observation.CATEGORY.exactly().code("activity"))).hasSize(3);
  }

  @Test
  void dateRangeWithGeAndLtSelectsOneDay() {
    List<Observation> found =
        allWhere(
            Observation.CODE.exactly().systemAndCode(LOINC, "8867-4"),
            Observation.DATE.afterOrEquals().second("2026-11-21T00:00:00Z"),
            Observation.DATE.before().second("2026-11-22T00:00:00Z"));
    assertThat(found).hasSize(24);
  }

  @Test
  void dateWithoutPrefixIsTheWholeDay() {
    assertThat(
            allWhere(
                Observation.CODE.exactly().code("8867-4"),
                Observation.DATE.exactly().day("2026-11-21")))
        .hasSize(24);
  }

  @Test
  void datePrefixesCompareAgainstTheEffectivePeriod() {
    // Steps periods run 23:00-01:00 across midnight: ge the next day still reaches them, le the day
    // before too.
    assertThat(
            allWhere(
                Observation.CODE.exactly().code("55423-8"),
                Observation.DATE.afterOrEquals().second("2026-11-21T00:30:00Z"),
                Observation.DATE.beforeOrEquals().second("2026-11-21T00:30:00Z")))
        .hasSize(1);
    assertThat(
            allWhere(
                Observation.CODE.exactly().code("55423-8"),
                Observation.DATE.after().second("2026-11-22T00:59:59Z")))
        .hasSize(2);
    assertThat(
            allWhere(
                Observation.CODE.exactly().code("55423-8"),
                Observation.DATE.before().second("2026-11-20T23:00:00Z")))
        .isEmpty();
  }

  @Test
  void everyParameterCombines() {
    List<Observation> found =
        all(
            observations()
                .where(Observation.PATIENT.hasId(A))
                .where(Observation.CODE.exactly().systemAndCode(LOINC, "8867-4"))
                .where(Observation.CATEGORY.exactly().code("vital-signs"))
                .where(Observation.DATE.afterOrEquals().second("2026-11-22T12:00:00Z"))
                .sort()
                .ascending(Observation.DATE)
                .count(5)
                .execute());
    assertThat(found).hasSize(12);
    assertThat(found.get(0).getEffectiveDateTimeType().getValue().toInstant())
        .isEqualTo(Instant.parse("2026-11-22T12:00:00Z"));
  }

  @Test
  void sortOrdersByEffectiveTimeBothWaysAndDefaultsToNewestFirst() {
    Supplier<IQuery<Bundle>> heartRates =
        () -> observations().where(Observation.CODE.exactly().code("8867-4")).count(100);
    List<Observation> asc = all(heartRates.get().sort().ascending(Observation.DATE).execute());
    List<Observation> desc = all(heartRates.get().sort().descending(Observation.DATE).execute());
    List<Observation> byDefault = all(heartRates.get().execute());
    List<Instant> ascTimes =
        asc.stream().map(o -> o.getEffectiveDateTimeType().getValue().toInstant()).toList();
    assertThat(ascTimes).isSorted().hasSize(72);
    List<String> descIds = desc.stream().map(o -> o.getIdElement().getIdPart()).toList();
    List<String> reversed =
        new ArrayList<>(asc.stream().map(o -> o.getIdElement().getIdPart()).toList());
    java.util.Collections.reverse(reversed);
    assertThat(descIds).isEqualTo(reversed);
    assertThat(byDefault.stream().map(o -> o.getIdElement().getIdPart()).toList())
        .isEqualTo(descIds);
  }

  @Test
  void pagingFollowsNextLinksToTheEndWithoutGapsOrRepeats() {
    Bundle first = observations().where(Observation.PATIENT.hasId(A)).count(7).execute();
    assertThat(first.getEntry()).hasSize(7);
    List<Observation> found = all(first);
    assertThat(found).hasSize(80);
    assertThat(ids(found)).hasSize(80);
  }

  @Test
  void summaryCountGivesOnlyTheTotal() {
    Bundle b =
        observations()
            .where(Observation.CODE.exactly().code("8867-4"))
            .summaryMode(SummaryEnum.COUNT)
            .execute();
    assertThat(b.getTotal()).isEqualTo(72);
    assertThat(b.getEntry()).isEmpty();
  }

  @Test
  void lastnGivesTheNewestObservationOfEachCode() {
    Bundle b = FhirSearches.lastnOf(client, A);
    SharedValidator.assertValidWithEntries(b);
    assertThat(b.getEntry()).hasSize(3);
    Set<String> newest =
        Set.of(Fixtures.id("hr-a-71"), Fixtures.id("spo2-a-4"), Fixtures.id("steps-a-2"));
    assertThat(ids(b.getEntry().stream().map(e -> e.getResource()).toList())).isEqualTo(newest);
  }

  @Test
  void lastnWithMaxAndCodeGivesThatManyOfThatCode() throws Exception {
    HttpResponseBundle r =
        HttpResponseBundle.get(
            "/fhir/Observation/$lastn?patient=" + A + "&code=" + LOINC + "%7C8867-4&max=3");
    assertThat(r.status).isEqualTo(200);
    assertThat(ids(r.bundle.getEntry().stream().map(e -> e.getResource()).toList()))
        .containsExactlyInAnyOrder(
            Fixtures.id("hr-a-71"), Fixtures.id("hr-a-70"), Fixtures.id("hr-a-69"));
  }

  @Test
  void readGivesTheStoredObservationWithVersionEtagAndLastModified() throws Exception {
    String id = Fixtures.id("hr-a-5");
    Observation o = client.read().resource(Observation.class).withId(id).execute();
    assertThat(o.getIdElement().getVersionIdPart()).isEqualTo("1");
    assertThat(o.getValueQuantity().getValue().doubleValue()).isEqualTo(65.0);
    SharedValidator.assertValid(o);
    HttpResponse<String> raw =
        api.get("/fhir/Observation/" + id, api.patientToken(A, "patient/Observation.rs"));
    assertThat(raw.headers().firstValue("ETag")).contains("W/\"1\"");
    assertThat(raw.headers().firstValue("Last-Modified")).isPresent();
  }

  @Test
  void patientAndDeviceReadAndSearchByIdentifier() {
    assertReadAndFoundOnceBy(
        Patient.class,
        A,
        Patient.IDENTIFIER.exactly().systemAndIdentifier(FhirSystems.SID_USER, "user-a"));
    assertReadAndFoundOnceBy(Device.class, DEVICE_A, Device.IDENTIFIER.exactly().code("watch-a"));
  }

  /** The resource reads as valid FHIR, and a search by its identifier finds exactly one, valid. */
  private static void assertReadAndFoundOnceBy(
      Class<? extends Resource> type, String id, ICriterion<?> identifier) {
    SharedValidator.assertValid(client.read().resource(type).withId(id).execute());
    Bundle found =
        client.search().forResource(type).where(identifier).returnBundle(Bundle.class).execute();
    SharedValidator.assertValidWithEntries(found);
    assertThat(found.getEntry()).hasSize(1);
  }

  @Test
  void streamedJsonAndHapiEncodedXmlCarryTheSameResources() {
    Bundle json = observations().where(Observation.CODE.exactly().code("59408-5")).execute();
    Bundle xml =
        observations().where(Observation.CODE.exactly().code("59408-5")).encodedXml().execute();
    SharedValidator.assertValidWithEntries(xml);
    assertThat(ids(xml.getEntry().stream().map(e -> e.getResource()).toList()))
        .isEqualTo(ids(json.getEntry().stream().map(e -> e.getResource()).toList()))
        .hasSize(5);
  }

  @Test
  void metadataDescribesTheSearchParametersLastnAndSmartSecurity() {
    CapabilityStatement cs =
        api.client(null).capabilities().ofType(CapabilityStatement.class).execute();
    SharedValidator.assertValid(cs);
    CapabilityStatement.CapabilityStatementRestResourceComponent obs =
        cs.getRestFirstRep().getResource().stream()
            .filter(r -> r.getType().equals("Observation"))
            .findFirst()
            .orElseThrow();
    assertThat(obs.getSearchParam().stream().map(p -> p.getName()).toList())
        .contains("patient", "subject", "code", "category", "date");
    assertThat(obs.getOperation().stream().map(o -> o.getName()).toList())
        .anyMatch(n -> n.contains("lastn"));
    assertThat(
            cs.getRestFirstRep().getSecurity().getServiceFirstRep().getCodingFirstRep().getCode())
        .isEqualTo("SMART-on-FHIR");
  }

  /** A raw GET with the patient-A token, parsed as a Bundle. */
  record HttpResponseBundle(int status, Bundle bundle) {
    static HttpResponseBundle get(String path) {
      try {
        HttpResponse<String> r = api.get(path, api.patientToken(A, "patient/*.rs"));
        Bundle b =
            r.statusCode() == 200
                ? (Bundle) ApiHarness.FHIR.newJsonParser().parseResource(r.body())
                : null;
        if (b != null) {
          SharedValidator.assertValidWithEntries(b);
        }
        return new HttpResponseBundle(r.statusCode(), b);
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    }
  }

  static String idOf(IdType id) {
    return id.getIdPart();
  }
}

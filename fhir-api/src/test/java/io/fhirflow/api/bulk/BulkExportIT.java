package io.fhirflow.api.bulk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.fhirflow.api.ApiConfig;
import io.fhirflow.api.support.ApiHarness;
import io.fhirflow.api.support.ApiPerClass;
import io.fhirflow.api.support.AuditEvents;
import io.fhirflow.api.support.Fixtures;
import io.fhirflow.api.support.SharedValidator;
import io.fhirflow.contracts.FhirSystems;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Bulk Data Access IG flow against a real PostgreSQL store and broker: each kick-off level with
 * _type/_since/_until, the manifest and its NDJSON files (every resource through HAPI's validator),
 * cancellation, expiry, token confinement and the kick-off's AuditEvent.
 */
class BulkExportIT {

  static final String A = Fixtures.id("bulk-patient-a");
  static final String B = Fixtures.id("bulk-patient-b");
  static final String DEV_A = Fixtures.id("bulk-dev-a");
  static final String DEV_B = Fixtures.id("bulk-dev-b");
  static final String DEV_ORPHAN = Fixtures.id("bulk-dev-orphan");
  static final Instant T0 = Instant.parse("2026-11-20T08:00:00Z");

  @TempDir static Path bulkDir;

  @RegisterExtension
  static final ApiPerClass api =
      ApiPerClass.with(
          () ->
              Map.of(
                  ApiConfig.BULK_DIR_CONFIG,
                  bulkDir.toString(),
                  ApiConfig.BULK_FETCH_SIZE_CONFIG,
                  "2"));

  static BulkClient client;
  static AuditEvents audit;

  /** Between the first and the second sink write: the _since/_until boundary. */
  static Instant between;

  static final List<String> FIRST_A_OBSERVATIONS = new ArrayList<>();
  static final List<String> SECOND_A_OBSERVATIONS = new ArrayList<>();

  @BeforeAll
  static void start() throws Exception {
    client = new BulkClient(api.fhirBase());
    audit = api.auditEvents();
    List<String> first =
        new ArrayList<>(
            List.of(
                Fixtures.patient(A, "bulk-a"),
                Fixtures.patient(B, "bulk-b"),
                Fixtures.device(DEV_A, A, "serial-a"),
                Fixtures.device(DEV_B, B, "serial-b"),
                orphanDevice()));
    for (int i = 0; i < 3; i++) {
      String id = Fixtures.id("bulk-a-hr-" + i);
      FIRST_A_OBSERVATIONS.add(id);
      first.add(Fixtures.heartRate(id, A, DEV_A, T0.plusSeconds(60L * i), 60 + i, 1));
    }
    for (int i = 0; i < 2; i++) {
      first.add(
          Fixtures.heartRate(
              Fixtures.id("bulk-b-hr-" + i), B, DEV_B, T0.plusSeconds(60L * i), 70 + i, 1));
    }
    first.add(Fixtures.steps(Fixtures.id("bulk-b-steps"), B, T0, T0.plusSeconds(600), 812));
    api.seed(first);
    Thread.sleep(200);
    between = Instant.now();
    Thread.sleep(200);
    List<String> second = new ArrayList<>();
    for (int i = 3; i < 5; i++) {
      String id = Fixtures.id("bulk-a-hr-" + i);
      SECOND_A_OBSERVATIONS.add(id);
      second.add(Fixtures.heartRate(id, A, DEV_A, T0.plusSeconds(60L * i), 60 + i, 1));
    }
    // A newer version of an old Observation changes after the boundary, whatever its
    // meta.lastUpdated says.
    SECOND_A_OBSERVATIONS.add(FIRST_A_OBSERVATIONS.get(0));
    second.add(Fixtures.heartRate(FIRST_A_OBSERVATIONS.get(0), A, DEV_A, T0, 99, 2));
    api.seed(second);
  }

  static String orphanDevice() {
    return """
        {"resourceType":"Device","id":"%s","meta":{"versionId":"1","lastUpdated":"2026-11-01T00:00:00Z"},
         "identifier":[{"system":"%s","value":"orphan"}],"manufacturer":"Acme"}"""
        .formatted(DEV_ORPHAN, FhirSystems.SID_DEVICE_KEY);
  }

  @AfterAll
  static void stop() throws Exception {
    if (audit != null) {
      audit.close();
    }
  }

  static String system() {
    return api.systemToken("system/*.rs");
  }

  static Map<String, List<String>> export(String pathAndQuery, String token) throws Exception {
    Map<String, List<String>> files = client.download(client.export(pathAndQuery, token), token);
    files.values().forEach(lines -> lines.forEach(SharedValidator::assertValid));
    return files;
  }

  static Set<String> ids(List<String> lines) throws Exception {
    Set<String> ids = new java.util.TreeSet<>();
    for (String l : lines) {
      ids.add(BulkClient.JSON.readTree(l).get("id").asText());
    }
    return ids;
  }

  static Map<String, Integer> counts(Map<String, List<String>> files) {
    return files.entrySet().stream()
        .collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().size()));
  }

  @Test
  void systemExportWritesEveryStoredResourceOneNdjsonFilePerType() throws Exception {
    JsonNode manifest = client.export("/$export", system());
    assertThat(manifest.get("requiresAccessToken").asBoolean()).isTrue();
    assertThat(manifest.get("request").asText()).endsWith("/fhir/$export");
    assertThat(Instant.parse(manifest.get("transactionTime").asText())).isAfter(between);
    assertThat(manifest.get("error")).isEmpty();
    Map<String, List<String>> files = client.download(manifest, system());
    files.values().forEach(lines -> lines.forEach(SharedValidator::assertValid));
    assertThat(counts(files)).isEqualTo(Map.of("Patient", 2, "Device", 3, "Observation", 8));
    assertThat(ids(files.get("Device"))).contains(DEV_ORPHAN);
  }

  @Test
  void typeLimitsTheFilesAndSinceUntilSplitOnWhenTheStoreChanged() throws Exception {
    assertThat(counts(export("/$export?_type=Observation,Patient", system())))
        .isEqualTo(Map.of("Patient", 2, "Observation", 8));
    Map<String, List<String>> since =
        export("/$export?_type=Observation&_since=" + between, system());
    assertThat(ids(since.get("Observation")))
        .containsExactlyInAnyOrderElementsOf(SECOND_A_OBSERVATIONS);
    Map<String, List<String>> until =
        export("/$export?_type=Observation&_until=" + between, system());
    assertThat(until.get("Observation"))
        .hasSize(5)
        .allSatisfy(l -> assertThat(l).doesNotContain(FIRST_A_OBSERVATIONS.get(0)));
    // Nothing changed before the first write: no file at all, an empty output array.
    JsonNode none = client.export("/$export?_until=2000-01-01T00:00:00Z", system());
    assertThat(none.get("output")).isEmpty();
  }

  @Test
  void patientExportKeepsToThePatientCompartments() throws Exception {
    Map<String, List<String>> all = export("/Patient/$export", system());
    assertThat(counts(all)).isEqualTo(Map.of("Patient", 2, "Device", 2, "Observation", 8));
    assertThat(ids(all.get("Device"))).containsExactlyInAnyOrder(DEV_A, DEV_B);
    assertThat(counts(export("/Patient/$export?_type=Observation&_since=" + between, system())))
        .isEqualTo(Map.of("Observation", 3));
  }

  @Test
  void onePatientExportHoldsOnlyThatPatientsResources() throws Exception {
    Map<String, List<String>> a = export("/Patient/" + A + "/$export", system());
    assertThat(ids(a.get("Patient"))).containsExactly(A);
    assertThat(ids(a.get("Device"))).containsExactly(DEV_A);
    assertThat(a.get("Observation"))
        .hasSize(5)
        .allSatisfy(l -> assertThat(l).contains("Patient/" + A));
    assertThat(
            counts(
                export("/Patient/" + A + "/$export?_type=Observation&_since=" + between, system())))
        .isEqualTo(Map.of("Observation", 3));
    assertThat(
            counts(
                export("/Patient/" + A + "/$export?_type=Observation&_until=" + between, system())))
        .isEqualTo(Map.of("Observation", 2));
    assertThat(
            counts(
                export("/Patient/" + B + "/$export?_type=Observation&_since=" + between, system())))
        .isEmpty();
  }

  @Test
  void aPatientConfinedTokenExportsOnlyItsPatientWhateverTheLevel() throws Exception {
    String tokenA = api.patientToken(A, "patient/*.rs");
    Map<String, List<String>> system = export("/$export", tokenA);
    assertThat(ids(system.get("Patient"))).containsExactly(A);
    assertThat(ids(system.get("Device"))).containsExactly(DEV_A);
    assertThat(system.get("Observation"))
        .hasSize(5)
        .allSatisfy(l -> assertThat(l).contains("Patient/" + A));
    assertThat(counts(export("/Patient/$export", tokenA)))
        .isEqualTo(Map.of("Patient", 1, "Device", 1, "Observation", 5));
    // Another patient is answered like a patient that does not exist.
    assertThat(client.kickOff("/Patient/" + B + "/$export", tokenA).statusCode()).isEqualTo(404);
  }

  @Test
  void statusAndFilesBelongToWhoeverKickedOffAndNeedItsToken() throws Exception {
    HttpResponse<String> kick = client.kickOff("/Patient/" + A + "/$export", system());
    String status = kick.headers().firstValue("Content-Location").orElseThrow();
    JsonNode manifest = client.awaitManifest(status, system());
    String file = manifest.get("output").get(0).get("url").asText();
    String otherClient = api.sign(api.claims("system/*.rs").subject("someone-else").build());
    assertThat(client.send("GET", status, otherClient).statusCode()).isEqualTo(404);
    assertThat(client.send("GET", file, otherClient).statusCode()).isEqualTo(404);
    assertThat(client.send("GET", status, api.patientToken(A, "patient/*.rs")).statusCode())
        .isEqualTo(404);
    HttpResponse<String> anonymous = client.send("GET", file, null);
    assertThat(anonymous.statusCode()).isEqualTo(401);
    assertThat(anonymous.headers().firstValue("WWW-Authenticate")).isPresent();
  }

  @Test
  void scopesDecideTheTypes() throws Exception {
    String observationsOnly = api.systemToken("system/Observation.rs");
    assertThat(counts(export("/$export", observationsOnly))).isEqualTo(Map.of("Observation", 8));
    HttpResponse<String> r = client.kickOff("/$export?_type=Patient", observationsOnly);
    assertThat(r.statusCode()).isEqualTo(403);
    assertThat(r.body()).contains("OperationOutcome");
    assertThat(client.kickOff("/$export", api.systemToken("system/*.c")).statusCode())
        .isEqualTo(403);
  }

  @Test
  void anExportBeyondOnePatientNeedsASmartBackendServicesSystemScope() throws Exception {
    // A user/ scope is a person's access through an app, not a feed of every patient's data.
    String user = api.systemToken("user/*.rs");
    for (String path :
        List.of(
            "/$export",
            "/Patient/$export",
            "/Patient/" + A + "/$export",
            "/$export?_type=Observation")) {
      HttpResponse<String> r = client.kickOff(path, user);
      assertThat(r.statusCode()).as(path).isEqualTo(403);
      SharedValidator.assertValid(r.body());
      assertThat(r.body()).as(path).contains("system/");
    }
    // Only the types a system/ scope grants count, whatever else the token holds.
    assertThat(counts(export("/$export", api.systemToken("user/*.rs system/Observation.rs"))))
        .isEqualTo(Map.of("Observation", 8));
    // A token confined to a patient needs no system scope: its patient/ scope reads its own
    // compartment.
    assertThat(counts(export("/$export?_type=Patient", api.patientToken(A, "patient/Patient.rs"))))
        .isEqualTo(Map.of("Patient", 1));
  }

  @Test
  void outputFormatAcceptsTheIgsThreeNdjsonSpellingsAndNothingElse() throws Exception {
    String token = system();
    // %2B is '+'; an unencoded '+' (a space once decoded) is taken as meant.
    for (String format :
        List.of(
            "application%2Ffhir%2Bndjson",
            "application/fhir+ndjson", "application/ndjson", "ndjson", "NDJSON")) {
      JsonNode manifest = client.export("/$export?_type=Patient&_outputFormat=" + format, token);
      assertThat(manifest.get("output")).as(format).hasSize(1);
    }
    for (String format :
        List.of("text/csv", "application%2Ffhir%2Bjson", "application/x-parquet", "")) {
      HttpResponse<String> r =
          client.kickOff("/$export?_type=Patient&_outputFormat=" + format, token);
      assertThat(r.statusCode()).as(format).isEqualTo(400);
      SharedValidator.assertValid(r.body());
      assertThat(r.body()).as(format).contains("_outputFormat");
    }
  }

  @Test
  void badKickOffsAreRefusedWithAnOperationOutcome() throws Exception {
    String token = system();
    assertThat(client.send("GET", api.fhirBase() + "/$export", token).statusCode())
        .as("no Prefer")
        .isEqualTo(400);
    for (String query :
        List.of(
            "_outputFormat=text/csv",
            "_type=Encounter",
            "_since=yesterday",
            "_typeFilter=Observation%3Fcode%3Dx",
            "_since=2026-12-01T00:00:00Z&_until=2026-11-01T00:00:00Z")) {
      HttpResponse<String> r = client.kickOff("/$export?" + query, token);
      assertThat(r.statusCode()).as(query).isEqualTo(400);
      SharedValidator.assertValid(r.body());
    }
    // Lenient handling drops what the server does not implement.
    assertThat(
            client
                .send(
                    "GET",
                    api.fhirBase() + "/$export?_typeFilter=x",
                    token,
                    "Prefer",
                    "respond-async, handling=lenient")
                .statusCode())
        .isEqualTo(202);
    assertThat(client.kickOff("/$export", null).statusCode()).isEqualTo(401);
  }

  @Test
  void deleteCancelsTheExportAndRemovesItsFiles() throws Exception {
    String token = system();
    HttpResponse<String> kick = client.kickOff("/$export", token);
    String status = kick.headers().firstValue("Content-Location").orElseThrow();
    String job = status.substring(status.lastIndexOf('/') + 1);
    assertThat(client.send("DELETE", status, token).statusCode()).isEqualTo(202);
    assertThat(client.send("GET", status, token).statusCode()).isEqualTo(404);
    assertThat(client.send("DELETE", status, token).statusCode()).isEqualTo(404);
    await().atMost(Duration.ofSeconds(30)).until(() -> !Files.exists(bulkDir.resolve(job)));
    // A finished export can be deleted too, which removes its files at once.
    JsonNode manifest = client.export("/$export?_type=Patient", token);
    String finished = manifest.get("output").get(0).get("url").asText();
    String finishedStatus =
        finished
            .replace("/bulk/files/", "/bulk/status/")
            .substring(0, finished.replace("/bulk/files/", "/bulk/status/").lastIndexOf('/'));
    assertThat(client.send("DELETE", finishedStatus, token).statusCode()).isEqualTo(202);
    assertThat(client.send("GET", finished, token).statusCode()).isEqualTo(404);
  }

  @Test
  void theKickOffIsAuditedWithTokenPatientAndParameterNamesOnly() throws Exception {
    HttpResponse<String> r =
        client.kickOff(
            "/Patient/" + A + "/$export?_type=Observation&_since=" + between,
            api.patientToken(A, "patient/*.rs"));
    assertThat(r.statusCode()).isEqualTo(202);
    String event = audit.forRequest(r.headers().firstValue("X-Request-Id").orElseThrow());
    SharedValidator.assertValid(event);
    assertThat(event)
        .contains(
            "\"code\":\"operation\"", "Patient/" + A, "clinician-7", "_since,_type", "HTTP 202")
        .doesNotContain(between.toString());
    HttpResponse<String> refused =
        client.kickOff("/Patient/" + B + "/$export", api.patientToken(A, "patient/*.rs"));
    assertThat(audit.forRequest(refused.headers().firstValue("X-Request-Id").orElseThrow()))
        .contains("HTTP 404");
  }

  @Test
  void finishedExportsExpireAfterTheirTtlWithTheirFiles() throws Exception {
    Path dir = Files.createTempDirectory("bulk-ttl");
    try (ApiHarness shortLived =
        ApiHarness.start(
            api.broker(),
            Map.of(
                ApiConfig.BULK_DIR_CONFIG, dir.toString(), ApiConfig.BULK_FILE_TTL_CONFIG, "2"))) {
      shortLived.sink.write(List.of(Fixtures.patient(A, "bulk-a")));
      BulkClient c = new BulkClient(shortLived.fhirBase());
      String token = shortLived.systemToken("system/*.rs");
      HttpResponse<String> kick = c.kickOff("/$export", token);
      String status = kick.headers().firstValue("Content-Location").orElseThrow();
      JsonNode manifest = c.awaitManifest(status, token);
      String file = manifest.get("output").get(0).get("url").asText();
      String job = status.substring(status.lastIndexOf('/') + 1);
      assertThat(Files.exists(dir.resolve(job).resolve("Patient.ndjson"))).isTrue();
      await().atMost(Duration.ofSeconds(30)).until(() -> !Files.exists(dir.resolve(job)));
      assertThat(c.send("GET", status, token).statusCode()).isEqualTo(404);
      assertThat(c.send("GET", file, token).statusCode()).isEqualTo(404);
    }
  }
}

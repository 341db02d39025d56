package io.fhirflow.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.fhirflow.api.support.ApiPerClass;
import io.fhirflow.api.support.CapturedLogs;
import io.fhirflow.api.support.Fixtures;
import io.fhirflow.store.StoreTables;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A stored row that is not a resource of its table's type (damage, or a writer other than the sink)
 * is a server fault: 500 with an OperationOutcome naming only the request id, one log line without
 * the row's id or content, never a 200 carrying the damage or a 400 blaming the client.
 */
class CorruptStoredRowIT {

  static final String P = Fixtures.id("corrupt-patient");
  static final String OBS = Fixtures.id("corrupt-hr-0");
  static final String MARKER = "damaged-marker-7f3a";

  @RegisterExtension static final ApiPerClass api = new ApiPerClass();

  /** Rewrites the stored Observation's resource column, under the sink's back. */
  private static void corrupt(String json) throws Exception {
    api.seed(
        List.of(
            Fixtures.patient(P, "corrupt-user"),
            Fixtures.heartRate(
                OBS, P, Fixtures.id("corrupt-dev"), Instant.parse("2026-11-20T00:00:00Z"), 71, 1)));
    try (Connection c = DriverManager.getConnection(api.jdbcUrl());
        PreparedStatement ps =
            c.prepareStatement(
                "UPDATE " + StoreTables.OBSERVATION + " SET resource = ?::jsonb WHERE id = ?")) {
      ps.setString(1, json);
      ps.setString(2, OBS);
      assertThat(ps.executeUpdate()).isEqualTo(1);
    }
  }

  @Test
  void aRowThatIsNotAnObjectOrNotAnObservationIs500OnEveryPath() throws Exception {
    for (String damage :
        List.of(
            "\"" + MARKER + "\"",
            "[\"" + MARKER + "\"]",
            "{\"resourceType\":\"Patient\",\"id\":\"" + MARKER + "\"}",
            "{\"note\":\"" + MARKER + "\"}")) {
      corrupt(damage);
      for (String path :
          List.of(
              "/fhir/Observation/" + OBS,
              "/fhir/Observation?patient=" + P,
              "/fhir/Observation?patient=" + P + "&_elements=status",
              "/fhir/Observation?patient=" + P + "&_format=xml",
              "/fhir/Observation/$lastn?patient=" + P)) {
        assertLogged500(damage + " " + path, path);
      }
    }
  }

  @Test
  void anObservationWithWronglyTypedElementsIs500WhereverItIsParsed() throws Exception {
    corrupt("{\"resourceType\":\"Observation\",\"status\":{\"text\":\"" + MARKER + "\"}}");
    for (String path :
        List.of(
            "/fhir/Observation/" + OBS, "/fhir/Observation?patient=" + P + "&_elements=status")) {
      assertLogged500(path, path);
    }
  }

  private static void assertLogged500(String what, String path) throws Exception {
    try (CapturedLogs logs = new CapturedLogs()) {
      HttpResponse<String> r = api.get(path, api.patientToken(P, "patient/*.rs"));
      assertThat(r.statusCode()).as(what).isEqualTo(500);
      assertThat(r.body())
          .as(what)
          .contains("OperationOutcome")
          .contains("Internal error (request ")
          .doesNotContain(MARKER)
          .doesNotContain(OBS)
          .doesNotContain("\tat ");
      assertThat(logs.lines())
          .as(what)
          .anyMatch(
              l -> l.contains("stored resource unreadable") && l.contains("type=Observation"));
      assertThat(logs.lines())
          .as(what)
          .noneMatch(l -> l.contains(MARKER) || l.contains(OBS) || l.contains(P));
    }
  }
}

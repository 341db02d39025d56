package io.fhirflow.api.fhir;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The byte-level check a stored row gets before its text is copied into a streamed page. */
class StoredResourceReaderShapeTest {

  private static void check(String json) {
    StoredResourceReader.checkShape("Observation", "x", json.getBytes(StandardCharsets.UTF_8));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        // jsonb's text: shorter keys first, "resourceType" well inside
        "{\"id\": \"a\", \"note\": [{\"text\": \"caf\u00e9 \u2764 \ud83d\ude00\"}],"
            + " \"resourceType\": \"Observation\", \"valueQuantity\": {\"value\": 1}}",
        "{\"resourceType\":\"Observation\"}",
        "{\n  \"resourceType\" \t:\r\n \"Observation\",\n  \"id\": \"a\"\n}",
        // the key first appears as an array element (no colon after it), then as the key
        "{\"a\": [\"resourceType\"], \"resourceType\": \"Observation\"}"
      })
  void acceptsAnObjectNamingTheType(String json) {
    assertThatCode(() -> check(json)).doesNotThrowAnyException();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "{\"resourceType\": \"Patient\", \"id\": \"a\"}",
        "{\"resourceType\": \"ObservationDefinition\"}",
        "{\"resourceType\": \"Observatio\"}",
        "{\"resourceType\": \"Observation",
        "{\"resourceType\"}",
        // the only mention is inside a string value, escaped
        "{\"note\": \"\\\"resourceType\\\": \\\"Observation\\\"\"}",
        "{\"id\": \"\u00e9\"}",
        "[{\"resourceType\": \"Observation\"}]",
        "\"resourceType\": \"Observation\"",
        "{}",
        "{"
      })
  void refusesAnythingElse(String json) {
    assertThatThrownBy(() -> check(json)).isInstanceOf(UnreadableStoredResourceException.class);
  }
}

package io.fhirflow.stack.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SchemaRegistryTest {

  static final String V1 =
      "{\"type\":\"record\",\"name\":\"Reading\",\"fields\":[{\"name\":\"value\",\"type\":\"double\"}]}";
  static final String V1_REFORMATTED =
      "{ \"name\" : \"Reading\", \"type\" : \"record\",\n \"fields\" : [ { \"type\" : \"double\", \"name\" : \"value\" } ] }";
  static final String V2_WITH_DEFAULT =
      "{\"type\":\"record\",\"name\":\"Reading\",\"fields\":[{\"name\":\"value\",\"type\":\"double\"},{\"name\":\"unit\",\"type\":\"string\",\"default\":\"1\"}]}";
  static final String V2_WITHOUT_DEFAULT =
      "{\"type\":\"record\",\"name\":\"Reading\",\"fields\":[{\"name\":\"value\",\"type\":\"double\"},{\"name\":\"unit\",\"type\":\"string\"}]}";

  private final List<LogEntry> journal = new ArrayList<>();
  private final SchemaRegistry registry = new SchemaRegistry(List.of(), journal::add);

  @Test
  void registersTheFirstSchemaOfASubjectAsVersionOne() {
    int id = registry.register("r-value", V1);

    assertThat(registry.version("r-value", "latest"))
        .isEqualTo(new SchemaRegistry.Version("r-value", 1, id, registry.schemaById(id)));
    assertThat(registry.subjects()).containsExactly("r-value");
  }

  @Test
  void returnsTheExistingIdWithoutWritingWhenTheSameSchemaComesAgainReformatted() {
    int id = registry.register("r-value", V1);

    assertThat(registry.register("r-value", V1_REFORMATTED)).isEqualTo(id);
    assertThat(registry.versions("r-value")).containsExactly(1);
    assertThat(journal).hasSize(1);
  }

  @Test
  void givesTheSameIdToTheSameSchemaUnderAnotherSubject() {
    int id = registry.register("a-value", V1);

    assertThat(registry.register("b-value", V1)).isEqualTo(id);
    assertThat(registry.version("b-value", "1").id()).isEqualTo(id);
  }

  @Test
  void acceptsABackwardCompatibleChangeAsTheNextVersionWithANewId() {
    int first = registry.register("r-value", V1);
    int second = registry.register("r-value", V2_WITH_DEFAULT);

    assertThat(second).isGreaterThan(first);
    assertThat(registry.versions("r-value")).containsExactly(1, 2);
  }

  @Test
  void rejectsAFieldWithoutDefaultUnderTheDefaultBackwardLevel() {
    registry.register("r-value", V1);

    assertThatThrownBy(() -> registry.register("r-value", V2_WITHOUT_DEFAULT))
        .isInstanceOfSatisfying(
            RegistryException.class,
            e -> {
              assertThat(e.httpStatus()).isEqualTo(409);
              assertThat(e.getMessage()).contains("READER_FIELD_MISSING_DEFAULT_VALUE");
            });
    assertThat(registry.versions("r-value")).containsExactly(1);
  }

  @Test
  void acceptsAnyChangeWhenTheSubjectLevelIsNone() {
    registry.register("r-value", V1);
    registry.setSubjectLevel("r-value", CompatibilityLevel.NONE);

    registry.register("r-value", V2_WITHOUT_DEFAULT);

    assertThat(registry.versions("r-value")).containsExactly(1, 2);
    assertThat(registry.globalLevel()).isEqualTo(CompatibilityLevel.BACKWARD);
  }

  @Test
  void reportsIncompatibilitiesAgainstTheLatestVersionWithoutRegistering() {
    registry.register("r-value", V1);

    assertThat(registry.incompatibilities("r-value", "latest", V2_WITHOUT_DEFAULT))
        .singleElement()
        .asString()
        .startsWith("BACKWARD");
    assertThat(registry.incompatibilities("r-value", "latest", V2_WITH_DEFAULT)).isEmpty();
    assertThat(registry.incompatibilities("new-value", "latest", V2_WITHOUT_DEFAULT)).isEmpty();
    assertThat(registry.versions("r-value")).containsExactly(1);
  }

  @Test
  void rebuildsIdsVersionsAndLevelsFromItsJournal() {
    registry.register("r-value", V1);
    int second = registry.register("r-value", V2_WITH_DEFAULT);
    registry.setGlobalLevel(CompatibilityLevel.FULL);
    registry.setSubjectLevel("r-value", CompatibilityLevel.NONE);

    SchemaRegistry rebuilt = new SchemaRegistry(journal, e -> {});

    assertThat(rebuilt.version("r-value", "latest").id()).isEqualTo(second);
    assertThat(rebuilt.globalLevel()).isEqualTo(CompatibilityLevel.FULL);
    assertThat(rebuilt.subjectLevel("r-value")).contains(CompatibilityLevel.NONE);
    assertThat(rebuilt.register("other-value", "\"string\"")).isEqualTo(second + 1);
  }

  @Test
  void findsASchemaThatDiffersOnlyInDocsByItsParsingCanonicalForm() {
    int id = registry.register("r-value", V1);
    String withDoc =
        V1.replace("\"name\":\"Reading\",", "\"name\":\"Reading\",\"doc\":\"a reading\",");

    assertThat(registry.lookup("r-value", withDoc).id()).isEqualTo(id);
  }

  @Test
  void answersWithConfluentErrorCodesForWhatIsNotThere() {
    registry.register("r-value", V1);

    assertThat(codeOf(() -> registry.version("nope", "1"))).isEqualTo(40401);
    assertThat(codeOf(() -> registry.version("r-value", "7"))).isEqualTo(40402);
    assertThat(codeOf(() -> registry.version("r-value", "zero"))).isEqualTo(42202);
    assertThat(codeOf(() -> registry.schemaById(99))).isEqualTo(40403);
    assertThat(codeOf(() -> registry.lookup("r-value", V2_WITH_DEFAULT))).isEqualTo(40403);
    assertThat(codeOf(() -> registry.register("r-value", "{\"type\":\"record\"}")))
        .isEqualTo(42201);
    assertThat(
            codeOf(
                () ->
                    registry
                        .subjectLevel("r-value")
                        .orElseThrow(() -> RegistryException.subjectLevelNotConfigured("r-value"))))
        .isEqualTo(40408);
    assertThat(codeOf(() -> CompatibilityLevel.parse("SIDEWAYS"))).isEqualTo(42203);
  }

  private static int codeOf(Runnable call) {
    try {
      call.run();
    } catch (RegistryException e) {
      return e.errorCode();
    }
    throw new AssertionError("expected a RegistryException");
  }
}

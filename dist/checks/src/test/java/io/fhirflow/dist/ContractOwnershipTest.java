package io.fhirflow.dist;

import static org.assertj.core.api.Assertions.assertThat;

import io.fhirflow.contracts.DeadLetterHeaders;
import io.fhirflow.contracts.DeadLetterReasons;
import io.fhirflow.contracts.FhirRecordHeaders;
import io.fhirflow.contracts.PatientOwnership;
import io.fhirflow.contracts.PipelineTopic;
import io.fhirflow.store.StoreTables;
import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Each contract between processes is spelled once, in the contracts module: no other production
 * source holds a topic's default name, a dead-letter or FHIR record header name, or the Redis key
 * layout as a string literal. Tests name them through their owners too: only contracts' {@code
 * WireNamesTest} spells them, so renaming one is a visible contract change there.
 */
class ContractOwnershipTest {

  @Test
  void noProductionSourceOutsideContractsSpellsAContract() throws IOException {
    List<String> literals = contractNames();
    literals.add("patient:");
    assertThat(spelled(literals, sourcesOutside("contracts", "main")))
        .as("use io.fhirflow.contracts instead")
        .isEmpty();
  }

  @Test
  void noTestOutsideContractsSpellsAContract() throws IOException {
    assertThat(spelled(contractNames(), sourcesOutside("contracts", "test")))
        .as("name them through io.fhirflow.contracts (only its WireNamesTest spells them)")
        .isEmpty();
  }

  @Test
  void noSourceOutsideStoreSpellsAStoreTable() throws IOException {
    assertThat(storeTablesSpelled(sourcesOutside("store", "main")))
        .as("name the tables through io.fhirflow.store.StoreTables")
        .isEmpty();
  }

  @Test
  void noTestOutsideStoreSpellsAStoreTable() throws IOException {
    assertThat(storeTablesSpelled(sourcesOutside("store", "test")))
        .as("name the tables through io.fhirflow.store.StoreTables")
        .isEmpty();
  }

  /**
   * A table name as a whole word inside a string literal or text block, anywhere in it (SQL spells
   * them mid-string: "SELECT ... FROM fhir_observation WHERE ..."). Comments may name them.
   */
  private static List<String> storeTablesSpelled(Predicate<Path> where) throws IOException {
    Pattern table =
        Pattern.compile("\\b(" + String.join("|", StoreTables.COLUMNS.keySet()) + ")\\b");
    Path root = RepositoryRoot.find();
    List<String> offences = new ArrayList<>();
    try (Stream<Path> files = Files.walk(root)) {
      for (Path f : files.filter(where).toList()) {
        for (String literal : JavaStringLiterals.of(Files.readString(f))) {
          var m = table.matcher(literal);
          if (m.find()) {
            offences.add(root.relativize(f) + " spells " + m.group(1) + " in \"" + literal + "\"");
          }
        }
      }
    }
    return offences;
  }

  /** Topic default names, record header names and the reasons the contracts module owns. */
  private static List<String> contractNames() {
    List<String> literals = new ArrayList<>();
    for (PipelineTopic t : PipelineTopic.values()) {
      literals.add(t.defaultName());
    }
    literals.addAll(constants(DeadLetterHeaders.class));
    literals.addAll(constants(DeadLetterReasons.class));
    literals.addAll(constants(FhirRecordHeaders.class));
    literals.addAll(constants(PatientOwnership.class));
    literals.remove(FhirRecordHeaders.FHIR_VERSION_VALUE);
    return literals;
  }

  private static List<String> spelled(List<String> literals, Predicate<Path> where)
      throws IOException {
    Path root = RepositoryRoot.find();
    List<String> offences = new ArrayList<>();
    try (Stream<Path> files = Files.walk(root)) {
      for (Path f : files.filter(where).toList()) {
        String text = Files.readString(f);
        for (String literal : literals) {
          if (text.contains("\"" + literal + "\"")) {
            offences.add(root.relativize(f) + " spells \"" + literal + "\"");
          }
        }
      }
    }
    return offences;
  }

  /** Java sources under {@code src/<kind>/java} of every module but {@code owner}. */
  private static Predicate<Path> sourcesOutside(String owner, String kind) {
    return p -> {
      String s = p.toString().replace('\\', '/');
      return s.endsWith(".java")
          && s.contains("/src/" + kind + "/java/")
          && !s.contains("/" + owner + "/src/")
          && !s.contains("/.work/")
          && !s.contains("/target/");
    };
  }

  private static List<String> constants(Class<?> type) {
    List<String> values = new ArrayList<>();
    for (Field f : type.getFields()) {
      if (Modifier.isStatic(f.getModifiers()) && f.getType() == String.class) {
        try {
          values.add((String) f.get(null));
        } catch (IllegalAccessException e) {
          throw new IllegalStateException(e);
        }
      }
    }
    return values;
  }
}

package io.fhirflow.dist;

import static org.assertj.core.api.Assertions.assertThat;

import io.fhirflow.contracts.DeadLetterHeaders;
import io.fhirflow.contracts.DeadLetterReasons;
import io.fhirflow.contracts.FhirRecordHeaders;
import io.fhirflow.contracts.PatientOwnership;
import io.fhirflow.contracts.PipelineTopic;
import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
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
    assertThat(spelled(literals, sourcesOutsideContracts("main")))
        .as("use io.fhirflow.contracts instead")
        .isEmpty();
  }

  @Test
  void noTestOutsideContractsSpellsAContract() throws IOException {
    assertThat(spelled(contractNames(), sourcesOutsideContracts("test")))
        .as("name them through io.fhirflow.contracts (only its WireNamesTest spells them)")
        .isEmpty();
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

  /** Java sources under {@code src/<kind>/java} of every module but contracts. */
  private static Predicate<Path> sourcesOutsideContracts(String kind) {
    return p -> {
      String s = p.toString().replace('\\', '/');
      return s.endsWith(".java")
          && s.contains("/src/" + kind + "/java/")
          && !s.contains("/contracts/src/")
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

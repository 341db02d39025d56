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
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Each contract between processes is spelled once, in the contracts module: no other production
 * source holds a topic's default name, a dead-letter or FHIR record header name, or the Redis key
 * layout as a string literal. Tests may spell them (they pin the wire format on purpose).
 */
class ContractOwnershipTest {

  @Test
  void noProductionSourceOutsideContractsSpellsAContract() throws IOException {
    List<String> literals = new ArrayList<>();
    for (PipelineTopic t : PipelineTopic.values()) {
      literals.add(t.defaultName());
    }
    literals.addAll(constants(DeadLetterHeaders.class));
    literals.addAll(constants(DeadLetterReasons.class));
    literals.addAll(constants(FhirRecordHeaders.class));
    literals.addAll(constants(PatientOwnership.class));
    literals.remove(FhirRecordHeaders.FHIR_VERSION_VALUE);
    literals.add("patient:");

    Path root = RepositoryRoot.find();
    List<String> offences = new ArrayList<>();
    try (Stream<Path> files = Files.walk(root)) {
      for (Path f : files.filter(ContractOwnershipTest::isProductionSource).toList()) {
        String text = Files.readString(f);
        for (String literal : literals) {
          if (text.contains("\"" + literal + "\"")) {
            offences.add(root.relativize(f) + " spells \"" + literal + "\"");
          }
        }
      }
    }
    assertThat(offences).as("use io.fhirflow.contracts instead").isEmpty();
  }

  private static boolean isProductionSource(Path p) {
    String s = p.toString().replace('\\', '/');
    return s.endsWith(".java")
        && s.contains("/src/main/java/")
        && !s.contains("/contracts/src/")
        && !s.contains("/.work/")
        && !s.contains("/target/");
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

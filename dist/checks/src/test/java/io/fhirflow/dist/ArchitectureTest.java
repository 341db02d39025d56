package io.fhirflow.dist;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The module boundaries as rules the build keeps: each rule names a design decision that a
 * convenient import would otherwise erode without anyone noticing.
 */
class ArchitectureTest {

  private static JavaClasses production;

  @BeforeAll
  static void importProductionClasses() {
    production =
        new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("io.fhirflow");
  }

  @Test
  void mappingIsPureAndKnowsNothingOfKafkaOrStores() {
    // The catalogue and mapper are reused by the importer, the bench and tests without a broker.
    noClasses()
        .that()
        .resideInAPackage("io.fhirflow.mapping..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage("org.apache.kafka..", "io.lettuce..", "org.postgresql..", "java.sql..")
        .check(production);
  }

  @Test
  void theSinkAndTheApiMeetOnlyInTheStoreTheyShare() {
    // They are separate processes that agree on tables, not on each other's classes.
    noClasses()
        .that()
        .resideInAPackage("io.fhirflow.sink..")
        .should()
        .dependOnClassesThat()
        .resideInAPackage("io.fhirflow.api..")
        .check(production);
    noClasses()
        .that()
        .resideInAPackage("io.fhirflow.api..")
        .should()
        .dependOnClassesThat()
        .resideInAPackage("io.fhirflow.sink..")
        .check(production);
  }

  @Test
  void theWriteSideNeverReachesIntoTheReadSide() {
    noClasses()
        .that()
        .resideInAnyPackage(
            "io.fhirflow.topology..", "io.fhirflow.mapping..", "io.fhirflow.serde..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage("io.fhirflow.api..", "io.fhirflow.sink..", "io.fhirflow.cli..")
        .check(production);
  }

  @Test
  void productionCodeNeverUsesTheTestKit() {
    noClasses()
        .that()
        .resideOutsideOfPackages("io.fhirflow.testkit..", "io.fhirflow.bench..")
        .should()
        .dependOnClassesThat()
        .resideInAPackage("io.fhirflow.testkit..")
        .check(production);
  }

  @Test
  void modulesHaveNoCycles() {
    slices().matching("io.fhirflow.(*)..").should().beFreeOfCycles().check(production);
  }
}

package io.fhirflow.topology;

import io.fhirflow.schema.WearableSample;
import io.fhirflow.serde.MockSchemaRegistryClient;

/**
 * {@link Main} in a child JVM for {@link CrashRecoveryIT}, which kills it with SIGKILL. The {@code
 * mock://} registry lives in one JVM, so the child registers the raw schema first: ids are given in
 * registration order, hence equal to the ones the test's producer got.
 */
public final class TopologyProcessMain {

  private TopologyProcessMain() {}

  public static void main(String[] args) throws Exception {
    String scope = System.getenv("FHIRFLOW_TEST_REGISTRY_SCOPE");
    String subject = System.getenv("FHIRFLOW_TEST_RAW_SUBJECT");
    MockSchemaRegistryClient.forScope(scope).register(subject, WearableSample.getClassSchema());
    Main.main(args);
  }
}

package io.fhirflow.bench.api;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.parser.IParser;
import io.fhirflow.api.fhir.SearchBundles;
import io.fhirflow.api.fhir.StoredJsonBundleWriter;
import io.fhirflow.api.fhir.StoredResourceReader;
import io.fhirflow.api.store.StoredResource;
import io.fhirflow.bench.JmhRunPlan;
import io.fhirflow.store.StoreTables;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.hl7.fhir.r4.model.Bundle;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * One response page of the API benchmark (100 heart-rate Observations, exactly as PostgreSQL
 * returns the stored JSONB text) turned into the response body two ways: streamed (the API's
 * default) and parsed + encoded by HAPI (what a plain HAPI server does, and what the API does for
 * XML/_elements). Needs the bench schema (ApiBenchData). Run: see BENCHMARKS.md, "FHIR API".
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class StoredJsonStreamingBenchmark extends JmhRunPlan {

  private final FhirContext context = FhirContext.forR4Cached();
  private final StoredJsonBundleWriter hapiPath =
      new StoredJsonBundleWriter(new StoredResourceReader(context), true);
  private final IParser encoder = context.newJsonParser();
  private List<StoredResource> page;

  @Setup
  public void loadOnePage() throws Exception {
    try (Connection c =
            DriverManager.getConnection(
                ApiBenchData.url("jdbc:postgresql://127.0.0.1:5432/test?user=postgres"));
        Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery(
                "SELECT "
                    + StoredResource.OBSERVATION_COLUMNS
                    + " FROM "
                    + StoreTables.OBSERVATION
                    + " WHERE patient_id = '"
                    + ApiBenchData.patientId(1)
                    + "' AND code = 'http://loinc.org|8867-4'"
                    + " ORDER BY effective_start DESC LIMIT 100")) {
      page = StoredResource.readAll(rs, true);
    }
    if (page.size() != 100) {
      throw new IllegalStateException("run ApiBenchData first");
    }
  }

  private Bundle placeholders() {
    Bundle b = new Bundle().setType(Bundle.BundleType.SEARCHSET);
    b.setId("bench");
    b.getMeta().setLastUpdated(new java.util.Date());
    b.addLink().setRelation("self").setUrl("http://127.0.0.1/fhir/Observation?patient=x");
    SearchBundles.addStoredEntries(context, b, "http://127.0.0.1/fhir", "Observation", page);
    return b;
  }

  @Benchmark
  public int streamStoredJson() throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream(256 * 1024);
    StoredJsonBundleWriter.writeStreamed(placeholders(), out);
    return out.size();
  }

  @Benchmark
  public int parseAndEncodeWithHapi() throws IOException {
    Bundle b = placeholders();
    hapiPath.inflate(b);
    ByteArrayOutputStream out = new ByteArrayOutputStream(256 * 1024);
    encoder.encodeResourceToWriter(
        b, new java.io.OutputStreamWriter(out, java.nio.charset.StandardCharsets.UTF_8));
    return out.size();
  }
}

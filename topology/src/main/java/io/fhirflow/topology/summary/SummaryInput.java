package io.fhirflow.topology.summary;

import io.fhirflow.mapping.MetricPoint;
import io.fhirflow.topology.dedupe.SeenVersion;
import io.fhirflow.topology.ingest.SampleIdentity;
import java.util.List;
import org.apache.kafka.common.utils.Bytes;

/**
 * What the summaries branch learns about one source record: a mapped version's metric points, or
 * that the phone deleted the record.
 *
 * @param tenant the patient's tenant (docs/tenants.md): their summaries carry it
 * @param identity the record's identity ({@link SampleIdentity})
 * @param version the mapped version; null for a deletion
 * @param amended whether dedupe saw an earlier version (then earlier contributions may need
 *     retracting)
 * @param erasedUser the user whose erasure this is (every summary state of theirs goes); null
 *     otherwise
 */
public record SummaryInput(
    String tenant,
    Bytes identity,
    String patientId,
    SeenVersion version,
    List<MetricPoint> points,
    boolean amended,
    String erasedUser) {

  public SummaryInput(
      String tenant,
      Bytes identity,
      String patientId,
      SeenVersion version,
      List<MetricPoint> points,
      boolean amended) {
    this(tenant, identity, patientId, version, points, amended, null);
  }

  public static SummaryInput deletion(String tenant, Bytes identity, String patientId) {
    return new SummaryInput(tenant, identity, patientId, null, List.of(), true);
  }

  public static SummaryInput erasure(String tenant, String userId, String patientId) {
    return new SummaryInput(tenant, null, patientId, null, List.of(), false, userId);
  }

  boolean isDeletion() {
    return version == null && erasedUser == null;
  }
}

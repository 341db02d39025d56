package io.fhirflow.sink;

import io.fhirflow.contracts.FhirId;
import io.fhirflow.contracts.FhirRecordHeaders;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.connect.header.Header;
import org.apache.kafka.connect.sink.SinkRecord;

/**
 * Recognises the contract's deletion marker ({@code FhirRecordHeaders}): a record with a null
 * value, the headers {@code fhir.resourceType} and {@code fhir.resourceId}, and the patient id as
 * key. Only Observations are deleted this way (a Patient or Device is shared by many records).
 *
 * <p>Also recognises what an erasure writes ({@code FhirRecordHeaders.ERASURE_REQUEST_ID} present):
 * the erasure marker on the Observation topic (type Observation, no resource id, key = patient id)
 * and the tombstones of the Patient and Device topics (type Patient or Device, resource id = key).
 */
final class DeletionMarker {

  private final Map<ResourceType, String> tables;

  DeletionMarker(Map<ResourceType, String> tables) {
    this.tables = tables;
  }

  /**
   * The deletion row of a marker, or empty when the record is not one (its value is not null, or it
   * lacks the marker's headers: then it is an ordinary record and the extractor judges it).
   *
   * @throws UnwritableRecordException when it is a marker that can never be applied
   */
  Optional<ResourceRow> deletionOf(SinkRecord record) {
    if (record.value() != null) {
      return Optional.empty();
    }
    String type = header(record, FhirRecordHeaders.RESOURCE_TYPE);
    String id = header(record, FhirRecordHeaders.RESOURCE_ID);
    if (header(record, FhirRecordHeaders.ERASURE_REQUEST_ID) != null) {
      return Optional.empty();
    }
    if (type == null || id == null) {
      return Optional.empty();
    }
    if (!ResourceType.OBSERVATION.fhirName().equals(type)
        || !tables.containsKey(ResourceType.OBSERVATION)) {
      throw new UnwritableRecordException(RejectReason.UNKNOWN_RESOURCE_TYPE);
    }
    if (!FhirId.isValid(id)) {
      throw new UnwritableRecordException(RejectReason.INVALID_ID);
    }
    String patientId = text(record.key());
    if (patientId == null || !FhirId.isValid(patientId)) {
      throw new UnwritableRecordException(RejectReason.MISSING_SUBJECT);
    }
    return Optional.of(ResourceRow.deletion(ResourceType.OBSERVATION, id, patientId));
  }

  /**
   * The removal an erasure record asks for, or empty when the record is not one.
   *
   * @throws UnwritableRecordException when it is one that can never be applied
   */
  Optional<Removal> removalOf(SinkRecord record) {
    if (record.value() != null || header(record, FhirRecordHeaders.ERASURE_REQUEST_ID) == null) {
      return Optional.empty();
    }
    ResourceType type =
        ResourceType.ofFhirName(header(record, FhirRecordHeaders.RESOURCE_TYPE))
            .filter(tables::containsKey)
            .orElseThrow(() -> new UnwritableRecordException(RejectReason.UNKNOWN_RESOURCE_TYPE));
    String key = text(record.key());
    if (key == null || !FhirId.isValid(key)) {
      throw new UnwritableRecordException(RejectReason.INVALID_ID);
    }
    if (type != ResourceType.OBSERVATION
        && !key.equals(header(record, FhirRecordHeaders.RESOURCE_ID))) {
      throw new UnwritableRecordException(RejectReason.INVALID_ID);
    }
    return Optional.of(new Removal(type, key));
  }

  static String header(SinkRecord record, String name) {
    Header h = record.headers().lastWithName(name);
    return h == null ? null : text(h.value());
  }

  /**
   * Headers and keys arrive as bytes (ByteArrayConverter) or already as text
   * (SimpleHeaderConverter).
   */
  private static String text(Object value) {
    if (value instanceof byte[] bytes) {
      return new String(bytes, StandardCharsets.UTF_8);
    }
    return value == null ? null : value.toString();
  }
}

package io.fhirflow.sink;

import io.fhirflow.contracts.FhirRecordHeaders;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import org.apache.kafka.connect.header.Header;
import org.apache.kafka.connect.sink.SinkRecord;

/**
 * Recognises the contract's deletion marker ({@code FhirRecordHeaders}): a record with a null
 * value, the headers {@code fhir.resourceType} and {@code fhir.resourceId}, and the patient id as
 * key. Only Observations are deleted this way (a Patient or Device is shared by many records).
 */
final class DeletionMarker {

  private static final Pattern FHIR_ID = Pattern.compile("[A-Za-z0-9\\-.]{1," + ResourceExtractor.MAX_ID_LENGTH + "}");

  private final Map<ResourceType, String> tables;

  DeletionMarker(Map<ResourceType, String> tables) {
    this.tables = tables;
  }

  /**
   * The deletion row of a marker, or empty when the record is not one (its value is not null, or
   * it lacks the marker's headers: then it is an ordinary record and the extractor judges it).
   *
   * @throws UnwritableRecordException when it is a marker that can never be applied
   */
  Optional<ResourceRow> deletionOf(SinkRecord record) {
    if (record.value() != null) {
      return Optional.empty();
    }
    String type = header(record, FhirRecordHeaders.RESOURCE_TYPE);
    String id = header(record, FhirRecordHeaders.RESOURCE_ID);
    if (type == null || id == null) {
      return Optional.empty();
    }
    if (!ResourceType.OBSERVATION.fhirName().equals(type) || !tables.containsKey(ResourceType.OBSERVATION)) {
      throw new UnwritableRecordException(RejectReason.UNKNOWN_RESOURCE_TYPE);
    }
    if (!FHIR_ID.matcher(id).matches()) {
      throw new UnwritableRecordException(RejectReason.INVALID_ID);
    }
    String patientId = text(record.key());
    if (patientId == null || !FHIR_ID.matcher(patientId).matches()) {
      throw new UnwritableRecordException(RejectReason.MISSING_SUBJECT);
    }
    return Optional.of(ResourceRow.deletion(ResourceType.OBSERVATION, id, patientId));
  }

  private static String header(SinkRecord record, String name) {
    Header h = record.headers().lastWithName(name);
    return h == null ? null : text(h.value());
  }

  /** Headers and keys arrive as bytes (ByteArrayConverter) or already as text (SimpleHeaderConverter). */
  private static String text(Object value) {
    if (value instanceof byte[] bytes) {
      return new String(bytes, StandardCharsets.UTF_8);
    }
    return value == null ? null : value.toString();
  }
}

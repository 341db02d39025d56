package io.fhirflow.api.support;

import io.fhirflow.sink.DatabaseSession;
import io.fhirflow.sink.FhirSinkConnectorConfig;
import io.fhirflow.sink.PostgresDatabaseDialect;
import io.fhirflow.sink.RecordWriter;
import io.fhirflow.sink.ResourceExtractor;
import io.fhirflow.sink.ResourceRow;
import io.fhirflow.sink.WriteMethod;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;

/**
 * Puts FHIR JSON into a fresh schema exactly as production does: the sink's Flyway migrations, its
 * extractor (search columns) and its newer-wins writer. The API tests never write rows themselves.
 */
public final class SinkRows implements AutoCloseable {

  private final DatabaseSession session;
  private final RecordWriter writer;
  private final ResourceExtractor extractor;

  public SinkRows(String jdbcUrl) {
    FhirSinkConnectorConfig config =
        new FhirSinkConnectorConfig(
            Map.of(
                FhirSinkConnectorConfig.CONNECTION_URL_CONFIG,
                jdbcUrl,
                FhirSinkConnectorConfig.SCHEMA_MIGRATE_CONFIG,
                "true"));
    PostgresDatabaseDialect dialect = new PostgresDatabaseDialect(config.tableMapping());
    this.session = new DatabaseSession(config, dialect);
    this.writer = new RecordWriter(session, dialect, WriteMethod.COPY);
    this.extractor = new ResourceExtractor(config.tableMapping());
  }

  /** Writes the resources (FHIR JSON texts) in one batch, as one sink flush would. */
  public void write(List<String> resources) {
    write(resources.stream().map(extractor::extract).toList());
  }

  /** Writes the resources as a tenant's records (their {@code fhirflow.tenant} header). */
  public void writeAs(String tenant, List<String> resources) {
    write(resources.stream().map(r -> extractor.extract(r).withTenant(tenant)).toList());
  }

  /**
   * Writes the resources as records published at {@code recordTime}: the sink dates a Patient or
   * Device without meta.lastUpdated (the mapper's) by its Kafka record timestamp.
   */
  public void write(List<String> resources, java.time.Instant recordTime) {
    write(resources.stream().map(r -> extractor.extract(r, recordTime.toEpochMilli())).toList());
  }

  /**
   * Applies deletions of the patient's Observations, as the sink does for the topology's deletion
   * markers.
   */
  public void deleteObservations(String patientId, String... observationIds) {
    write(
        java.util.Arrays.stream(observationIds)
            .map(
                id ->
                    ResourceRow.deletion(io.fhirflow.sink.ResourceType.OBSERVATION, id, patientId))
            .toList());
  }

  /**
   * Applies an erasure of the patient as the sink does for the topology's erasure records: the
   * marker on the Observation topic and the tombstones of the Patient and of the person's Devices.
   */
  public void erase(String patientId, String... deviceIds) {
    List<io.fhirflow.sink.Removal> removals = new java.util.ArrayList<>();
    removals.add(
        new io.fhirflow.sink.Removal(io.fhirflow.sink.ResourceType.OBSERVATION, patientId));
    removals.add(new io.fhirflow.sink.Removal(io.fhirflow.sink.ResourceType.PATIENT, patientId));
    for (String device : deviceIds) {
      removals.add(new io.fhirflow.sink.Removal(io.fhirflow.sink.ResourceType.DEVICE, device));
    }
    try {
      writer.write(removals, List.of());
    } catch (SQLException e) {
      throw new IllegalStateException("sink erasure failed sqlstate=" + e.getSQLState(), e);
    }
  }

  private void write(java.util.Collection<ResourceRow> extracted) {
    List<ResourceRow> rows = List.copyOf(extracted);
    try {
      writer.write(dedupe(rows));
    } catch (SQLException e) {
      throw new IllegalStateException("sink write failed sqlstate=" + e.getSQLState(), e);
    }
  }

  private static List<ResourceRow> dedupe(List<ResourceRow> rows) {
    // The writer takes at most one row per id per batch (the sink's buffer guarantees it).
    java.util.Map<String, ResourceRow> byId = new java.util.LinkedHashMap<>();
    for (ResourceRow r : rows) {
      byId.merge(r.type() + "/" + r.id(), r, (a, b) -> b.isNewerThan(a) ? b : a);
    }
    return List.copyOf(byId.values());
  }

  @Override
  public void close() {
    session.close();
  }
}

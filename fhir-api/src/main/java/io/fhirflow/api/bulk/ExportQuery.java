package io.fhirflow.api.bulk;

import static io.fhirflow.store.StoreTables.DEVICE;
import static io.fhirflow.store.StoreTables.OBSERVATION;
import static io.fhirflow.store.StoreTables.PATIENT;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

/**
 * The SELECT of one resource type of one export: the stored JSON as text, confined to the request's
 * patient or compartment, and filtered on {@code written_at} for {@code _since}/{@code _until}.
 *
 * <p>{@code written_at} (set by the sink on every insert and real update), not {@code
 * meta.lastUpdated}: wearable data arrives late, so a resource whose source time is old can land in
 * the store after a client's previous export. Filtering on when this server's copy changed means a
 * client that passes the previous manifest's {@code transactionTime} as {@code _since} never misses
 * a resource. No ORDER BY: files are a set, and sorting a million rows would cost memory and time
 * for nothing.
 */
public final class ExportQuery {

  private final String text;
  private final List<Object> values;

  private ExportQuery(String text, List<Object> values) {
    this.text = text;
    this.values = values;
  }

  public static ExportQuery of(String type, ExportRequest request) {
    List<Object> values = new ArrayList<>();
    StringBuilder sql = new StringBuilder("SELECT r.resource::text FROM ");
    String patient = request.patient().orElse(null);
    switch (type) {
      case "Observation" -> {
        sql.append(OBSERVATION + " r WHERE TRUE");
        if (patient != null) {
          sql.append(" AND r.patient_id = ?");
          values.add(patient);
        }
      }
      case "Patient" -> {
        sql.append(PATIENT + " r WHERE TRUE");
        if (patient != null) {
          sql.append(" AND r.id = ?");
          values.add(patient);
        }
      }
      case "Device" -> {
        sql.append(DEVICE + " r WHERE TRUE");
        if (patient != null) {
          // A Device is in a patient's compartment when it names the patient or the patient's
          // Observations use it.
          sql.append(
              " AND (r.resource #>> '{patient,reference}' = 'Patient/' || ?"
                  + " OR r.id IN (SELECT substr(o.resource #>> '{device,reference}', 8) FROM "
                  + OBSERVATION
                  + " o WHERE o.patient_id = ? AND o.resource #>> '{device,reference}' LIKE 'Device/%'))");
          values.add(patient);
          values.add(patient);
        } else if (request.level() == ExportLevel.ALL_PATIENTS) {
          sql.append(
              " AND (r.resource #>> '{patient,reference}' LIKE 'Patient/%'"
                  + " OR r.id IN (SELECT substr(o.resource #>> '{device,reference}', 8) FROM "
                  + OBSERVATION
                  + " o WHERE o.resource #>> '{device,reference}' LIKE 'Device/%'))");
        }
      }
      default -> throw new IllegalArgumentException("not an exported type: " + type);
    }
    request
        .since()
        .ifPresent(
            s -> {
              sql.append(" AND r.written_at > ?");
              values.add(s.atOffset(ZoneOffset.UTC));
            });
    request
        .until()
        .ifPresent(
            u -> {
              sql.append(" AND r.written_at <= ?");
              values.add(u.atOffset(ZoneOffset.UTC));
            });
    return new ExportQuery(sql.toString(), List.copyOf(values));
  }

  String text() {
    return text;
  }

  public PreparedStatement prepare(Connection c, int fetchSize) throws SQLException {
    PreparedStatement ps = c.prepareStatement(text);
    ps.setFetchSize(fetchSize);
    for (int i = 0; i < values.size(); i++) {
      ps.setObject(i + 1, values.get(i));
    }
    return ps;
  }
}

package io.fhirflow.api.view;

import io.fhirflow.api.bulk.ExportLevel;
import io.fhirflow.api.bulk.ExportQuery;
import io.fhirflow.api.bulk.ExportRequest;
import io.fhirflow.api.bulk.LongReads;
import io.fhirflow.api.store.StoreUnavailableException;
import java.io.IOException;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Streams the stored JSON of one resource type to a consumer, with the bulk export's query (same
 * patient compartment rules, same {@code _since} on {@code written_at}) and the same cursor: a
 * fetch of rows at a time, never the table. The consumer returns false to stop early ({@code
 * _limit}).
 */
final class StoreScan {

  /** Receives each stored resource's JSON bytes; false stops the scan. */
  interface RowConsumer {
    boolean accept(byte[] json) throws IOException;
  }

  private final LongReads reads;

  StoreScan(LongReads reads) {
    this.reads = reads;
  }

  void scan(String type, Optional<String> patient, Optional<Instant> since, RowConsumer consumer)
      throws IOException {
    ExportRequest request =
        new ExportRequest(
            patient.isPresent() ? ExportLevel.ONE_PATIENT : ExportLevel.SYSTEM,
            patient,
            List.of(type),
            since,
            Optional.empty(),
            "");
    try {
      reads.run(
          c -> {
            try (PreparedStatement ps = reads.prepare(c, ExportQuery.of(type, request));
                ResultSet rs = ps.executeQuery()) {
              while (rs.next()) {
                if (!consumer.accept(rs.getBytes(1))) {
                  // Closing the cursor's portal is enough: rows past the current fetch are never
                  // sent.
                  break;
                }
              }
            }
          });
    } catch (SQLException e) {
      throw new StoreUnavailableException(e.getSQLState());
    }
  }
}

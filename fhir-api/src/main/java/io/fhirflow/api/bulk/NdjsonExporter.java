package io.fhirflow.api.bulk;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.OffsetDateTime;

/**
 * Writes one export's NDJSON files from PostgreSQL. All types are read in one REPEATABLE READ
 * transaction, so the files are one consistent snapshot and the manifest's {@code transactionTime}
 * ({@code now()} of that transaction, taken before the snapshot) is a safe {@code _since} for the
 * next export. Rows come through a server-side cursor ({@code fetchSize} rows per round trip,
 * autocommit off), and each row's stored JSON text is copied to the file as bytes: the process
 * never holds more than one fetch of resources, whatever the table size.
 */
final class NdjsonExporter implements ExportWriter {

  private static final int CANCEL_CHECK_EVERY = 1024;

  private final LongReads reads;

  NdjsonExporter(LongReads reads) {
    this.reads = reads;
  }

  @Override
  public void run(ExportJob job) throws SQLException, IOException {
    Files.createDirectories(job.directory());
    reads.runInSnapshot(
        c -> {
          try (Statement s = c.createStatement();
              ResultSet rs = s.executeQuery("SELECT now()")) {
            rs.next();
            job.transactionTime(rs.getObject(1, OffsetDateTime.class).toInstant());
          }
          for (String type : job.request().types()) {
            if (job.cancelled()) {
              return;
            }
            job.currentType(type);
            exportType(c, job, type);
          }
        });
  }

  private void exportType(Connection c, ExportJob job, String type)
      throws SQLException, IOException {
    String fileName = type + ".ndjson";
    Path part = job.directory().resolve(fileName + ".part");
    long count = 0;
    try (PreparedStatement ps = reads.prepare(c, ExportQuery.of(type, job.request()));
        ResultSet rs = ps.executeQuery();
        OutputStream out = new BufferedOutputStream(Files.newOutputStream(part), 1 << 16)) {
      while (rs.next()) {
        out.write(rs.getBytes(1));
        out.write('\n');
        count++;
        if (count % CANCEL_CHECK_EVERY == 0) {
          job.wrote(CANCEL_CHECK_EVERY);
          if (job.cancelled()) {
            ps.cancel();
            return;
          }
        }
      }
    }
    job.wrote(count % CANCEL_CHECK_EVERY);
    if (count == 0) {
      // The IG lists only files with content; an empty type has no entry in output.
      Files.delete(part);
      return;
    }
    Path file = job.directory().resolve(fileName);
    Files.move(part, file, StandardCopyOption.ATOMIC_MOVE);
    job.addFile(new ExportJob.OutputFile(type, fileName, count, Files.size(file)));
  }
}

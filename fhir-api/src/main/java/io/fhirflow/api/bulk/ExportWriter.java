package io.fhirflow.api.bulk;

import java.io.IOException;
import java.sql.SQLException;

/**
 * Writes one job's files into its directory. {@link NdjsonExporter} is the only production one; the
 * seam lets a test hold a worker mid-write and race a cancellation against it.
 */
interface ExportWriter {

  /** Runs the job to completion (or until it is cancelled); throws on a database or disk fault. */
  void run(ExportJob job) throws SQLException, IOException;
}

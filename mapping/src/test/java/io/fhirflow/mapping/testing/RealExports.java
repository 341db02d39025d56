package io.fhirflow.mapping.testing;

import io.fhirflow.applehealth.AppleHealthExportReader;
import io.fhirflow.applehealth.ExportListener;
import io.fhirflow.schema.WearableSample;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The real Apple Health exports as the product reads them: every sample the importer would send,
 * through the importer's own reader, so the tests over them check what production maps.
 */
public final class RealExports {

  /** When the samples count as received: the datasets' collection day, so runs are repeatable. */
  public static final Instant RECEIVED = Instant.parse("2026-11-24T00:00:00Z");

  private RealExports() {}

  /** Every sample of the export, in file order; fails on an element the reader rejects. */
  public static List<WearableSample> read(Path export, String userId) throws IOException {
    List<WearableSample> samples = new ArrayList<>();
    new AppleHealthExportReader(userId, RECEIVED)
        .read(export, ExportListener.samplesOnly(samples::add));
    return samples;
  }
}

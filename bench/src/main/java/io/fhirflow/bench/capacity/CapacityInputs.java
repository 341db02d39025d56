package io.fhirflow.bench.capacity;

import io.fhirflow.applehealth.AppleHealthExportReader;
import io.fhirflow.applehealth.ExportListener;
import io.fhirflow.mapping.FhirMapper;
import io.fhirflow.mapping.FhirResource;
import io.fhirflow.mapping.Mapped;
import io.fhirflow.mapping.MappingCatalogue;
import io.fhirflow.schema.WearableSample;
import io.fhirflow.sink.DatabaseSession;
import io.fhirflow.sink.FhirSinkConnectorConfig;
import io.fhirflow.sink.PostgresDatabaseDialect;
import io.fhirflow.sink.RecordWriter;
import io.fhirflow.sink.ResourceExtractor;
import io.fhirflow.sink.ResourceRow;
import io.fhirflow.sink.WriteMethod;
import io.fhirflow.store.StoreTables;
import io.fhirflow.testkit.Datasets;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The measured inputs of docs/capacity.md, from real exports: samples per user and day, FHIR
 * Observations per sample and their JSON size (the real importer and mapper), and what a stored
 * Observation costs on disk and in WAL (the sink's own migrations and writer into a fresh schema of
 * the local PostgreSQL). Prints a markdown report; writes nothing but its own schema, which it
 * drops.
 *
 * <p>{@code CapacityInputs <jdbc url without currentSchema> <export.xml>...}; a relative export
 * path is looked up in {@code FHIRFLOW_DATASETS}, else the first {@code shared/datasets} above the
 * working directory (the project's real public exports).
 */
public final class CapacityInputs {

  private static final String SCHEMA = "fhirflow_capacity";

  /** A day of a trimmed export counts as complete when it holds at least this many samples. */
  private static final int COMPLETE_DAY_MIN_SAMPLES = 200;

  private CapacityInputs() {}

  public static void main(String[] args) throws Exception {
    if (args.length < 2) {
      System.err.println("usage: CapacityInputs <jdbc:postgresql://...> <export.xml>...");
      System.exit(2);
    }
    String jdbc = args[0];
    FhirMapper mapper = new FhirMapper(MappingCatalogue.builtIn());
    Map<String, FhirResource> resources = new LinkedHashMap<>();
    StringBuilder report =
        new StringBuilder(
            "| export | samples | complete days | samples per complete day: mean (min-max) |"
                + " days with samples: mean per day | Observations per sample | JSON bytes per Observation |\n|---|---:|---:|---|---|---:|---:|\n");
    for (int i = 1; i < args.length; i++) {
      Path export = Datasets.root().resolve(args[i]);
      String user = "capacity-" + i;
      List<WearableSample> samples = read(export, user);
      TreeMap<LocalDate, Integer> perDay = new TreeMap<>();
      long observations = 0;
      long jsonBytes = 0;
      for (WearableSample s : samples) {
        Integer offset = s.getStartZoneOffsetSeconds();
        perDay.merge(
            LocalDate.ofInstant(
                s.getStartTime(), ZoneOffset.ofTotalSeconds(offset == null ? 0 : offset)),
            1,
            Integer::sum);
        if (mapper.map(s, false) instanceof Mapped mapped) {
          for (FhirResource o : mapped.observations()) {
            observations++;
            jsonBytes += o.json().getBytes(StandardCharsets.UTF_8).length;
            resources.put(o.id(), o);
          }
          resources.put(mapped.patient().id(), mapped.patient());
          mapped.device().ifPresent(d -> resources.put(d.id(), d));
        }
      }
      List<Integer> complete =
          perDay.values().stream().filter(n -> n >= COMPLETE_DAY_MIN_SAMPLES).toList();
      report.append(
          String.format(
              Locale.ROOT,
              "| %s | %,d | %d | %s | %d: %,.0f | %.2f | %,d |%n",
              export.getParent().getFileName(),
              samples.size(),
              complete.size(),
              complete.isEmpty()
                  ? "-"
                  : String.format(
                      Locale.ROOT,
                      "%,.0f (%,d-%,d)",
                      complete.stream().mapToInt(Integer::intValue).average().orElse(0),
                      complete.stream().mapToInt(Integer::intValue).min().orElse(0),
                      complete.stream().mapToInt(Integer::intValue).max().orElse(0)),
              perDay.size(),
              perDay.isEmpty() ? 0.0 : (double) samples.size() / perDay.size(),
              samples.isEmpty() ? 0.0 : (double) observations / samples.size(),
              observations == 0 ? 0 : jsonBytes / observations));
    }
    report.append("\n").append(storeFootprint(jdbc, new ArrayList<>(resources.values())));
    System.out.print(report);
    Files.writeString(Path.of("target", "capacity-inputs.md"), report);
  }

  /** Every sample the real importer produces from one export, for one user. */
  public static List<WearableSample> read(Path export, String user) throws Exception {
    List<WearableSample> samples = new ArrayList<>();
    new AppleHealthExportReader(user, Instant.now())
        .read(
            export,
            // The importer would dead-letter a rejected element; the inputs measure what is sent.
            ExportListener.of(samples::add, rejected -> {}));
    return samples;
  }

  /**
   * Bytes on disk (heap, TOAST, each index) and WAL per stored Observation, written by the sink's
   * writer in 5,000-row batches as the sink flushes, after VACUUM ANALYZE.
   */
  private static String storeFootprint(String jdbc, List<FhirResource> resources) throws Exception {
    String url = jdbc + (jdbc.contains("?") ? "&" : "?") + "currentSchema=" + SCHEMA;
    try (Connection admin = DriverManager.getConnection(jdbc);
        Statement st = admin.createStatement()) {
      st.execute("DROP SCHEMA IF EXISTS " + SCHEMA + " CASCADE");
      st.execute("CREATE SCHEMA " + SCHEMA);
    }
    FhirSinkConnectorConfig config =
        new FhirSinkConnectorConfig(
            Map.of(
                FhirSinkConnectorConfig.CONNECTION_URL_CONFIG,
                url,
                FhirSinkConnectorConfig.SCHEMA_MIGRATE_CONFIG,
                "true"));
    PostgresDatabaseDialect dialect = new PostgresDatabaseDialect(config.tableMapping());
    ResourceExtractor extractor = new ResourceExtractor(config.tableMapping());
    long walBefore;
    long walAfter;
    StringBuilder out = new StringBuilder();
    try (DatabaseSession session = new DatabaseSession(config, dialect);
        Connection c = DriverManager.getConnection(url)) {
      RecordWriter writer = new RecordWriter(session, dialect, WriteMethod.COPY);
      writer.write(List.of()); // migrations run before the WAL is measured
      walBefore = lsn(c);
      long now = Instant.now().toEpochMilli();
      for (int i = 0; i < resources.size(); i += 5_000) {
        List<ResourceRow> rows =
            resources.subList(i, Math.min(resources.size(), i + 5_000)).stream()
                .map(r -> extractor.extract(r.json(), now))
                .toList();
        writer.write(rows);
      }
      walAfter = lsn(c);
      try (Statement st = c.createStatement()) {
        st.execute("VACUUM ANALYZE " + StoreTables.OBSERVATION);
        try (ResultSet rs =
            st.executeQuery(
                """
            SELECT count(*), pg_relation_size('%1$s'),
                   pg_total_relation_size('%1$s') - pg_relation_size('%1$s') - pg_indexes_size('%1$s'),
                   pg_indexes_size('%1$s'), pg_total_relation_size('%1$s'),
                   (SELECT count(*) FROM %2$s) + (SELECT count(*) FROM %3$s)
            FROM %1$s"""
                    .formatted(StoreTables.OBSERVATION, StoreTables.PATIENT, StoreTables.DEVICE))) {
          rs.next();
          long rows = rs.getLong(1);
          out.append(
              String.format(
                  Locale.ROOT,
                  StoreTables.OBSERVATION
                      + " after VACUUM ANALYZE: %,d rows (and %d Patient/Device rows);"
                      + " bytes per row: heap %d, TOAST %d, indexes %d, **total %d**; WAL written by the sink per row: %d%n%n",
                  rows,
                  rs.getLong(6),
                  rs.getLong(2) / rows,
                  rs.getLong(3) / rows,
                  rs.getLong(4) / rows,
                  rs.getLong(5) / rows,
                  (walAfter - walBefore) / Math.max(1, rows + rs.getLong(6))));
        }
        out.append("| index | bytes per row |\n|---|---:|\n");
        try (ResultSet rs =
            st.executeQuery(
                """
            SELECT indexrelname, pg_relation_size(indexrelid), (SELECT count(*) FROM %1$s)
            FROM pg_stat_user_indexes WHERE relname = '%1$s' AND schemaname = current_schema() ORDER BY 1"""
                    .formatted(StoreTables.OBSERVATION))) {
          while (rs.next()) {
            out.append(
                String.format(
                    Locale.ROOT,
                    "| %s | %d |%n",
                    rs.getString(1),
                    rs.getLong(2) / Math.max(1, rs.getLong(3))));
          }
        }
      }
    }
    try (Connection admin = DriverManager.getConnection(jdbc);
        Statement st = admin.createStatement()) {
      st.execute("DROP SCHEMA " + SCHEMA + " CASCADE");
    }
    return out.toString();
  }

  private static long lsn(Connection c) throws Exception {
    try (Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT pg_current_wal_lsn() - '0/0'::pg_lsn")) {
      rs.next();
      return rs.getLong(1);
    }
  }
}

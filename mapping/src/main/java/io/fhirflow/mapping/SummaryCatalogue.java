package io.fhirflow.mapping;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.fhir.ucum.UcumEssenceService;

/**
 * The summaries the topology keeps (summaries.tsv, docs/summaries.md): which metric values are
 * aggregated per patient, period and measure, and how the summary Observation is coded. Loaded once
 * and fully validated against the mapping catalogue (every metric named must be one the catalogue
 * emits); a problem is a {@link CatalogueException} naming file and line.
 */
public final class SummaryCatalogue {
  static final String SUMMARIES_FILE = "summaries.tsv";

  /**
   * Prefix of the sleep-stage metric names: {@code sleep:<stage LOINC>} ({@link
   * MetricKind#DURATION}).
   */
  public static final String SLEEP_METRIC_PREFIX = "sleep:";

  private static final Pattern MEASURE = Pattern.compile("[a-z0-9][a-z0-9-]{0,62}");
  private static final Pattern VERSION_LINE =
      Pattern.compile("#\\s*summaries-version:\\s*(\\S+)\\s*");
  private static final List<String> COLUMNS =
      TsvTable.columns(
          List.of("measure", "period", "metrics", "aggregate", "components"),
          MappingCatalogue.CODING_COLUMNS,
          List.of("decimals", "category"));

  /** The value sets whose LOINC-coded values become sleep metrics. */
  private static final List<String> SLEEP_VALUE_SETS =
      List.of("HKCategoryValueSleepAnalysis", SleepSessionShape.STAGE_VALUE_SET);

  private final String version;
  private final List<SummaryDefinition> definitions;
  private final Map<String, SummaryDefinition> byMeasure;
  private final Map<String, List<SummaryDefinition>> byMetric;

  private SummaryCatalogue(String version, List<SummaryDefinition> definitions) {
    this.version = version;
    this.definitions = List.copyOf(definitions);
    Map<String, SummaryDefinition> measures = new LinkedHashMap<>();
    Map<String, List<SummaryDefinition>> metrics = new HashMap<>();
    for (SummaryDefinition d : definitions) {
      measures.put(d.measure(), d);
      d.metrics().forEach(m -> metrics.computeIfAbsent(m, k -> new ArrayList<>()).add(d));
    }
    metrics.replaceAll((k, v) -> List.copyOf(v));
    this.byMeasure = Map.copyOf(measures);
    this.byMetric = Map.copyOf(metrics);
  }

  /** The summaries shipped in this jar, checked against {@code catalogue}. */
  public static SummaryCatalogue builtIn(MappingCatalogue catalogue) {
    InputStream in =
        SummaryCatalogue.class.getResourceAsStream(MappingCatalogue.RESOURCE_DIR + SUMMARIES_FILE);
    if (in == null) {
      throw new CatalogueException("built-in catalogue lacks " + SUMMARIES_FILE);
    }
    return load(
        new InputStreamReader(in, StandardCharsets.UTF_8),
        "classpath:" + MappingCatalogue.RESOURCE_DIR + SUMMARIES_FILE,
        catalogue);
  }

  /** Loads a summaries.tsv file, checked against {@code catalogue}. */
  public static SummaryCatalogue load(Path file, MappingCatalogue catalogue) {
    try {
      return load(
          Files.newBufferedReader(file, StandardCharsets.UTF_8), file.toString(), catalogue);
    } catch (IOException e) {
      throw new CatalogueException(file + ": cannot read", e);
    }
  }

  private static SummaryCatalogue load(Reader reader, String file, MappingCatalogue catalogue) {
    String text = MappingCatalogue.readAll(reader, file);
    String version =
        text.lines()
            .map(VERSION_LINE::matcher)
            .filter(Matcher::matches)
            .map(m -> m.group(1))
            .findFirst()
            .orElseThrow(() -> new CatalogueException(file + ": no '# summaries-version: N' line"));
    Set<String> known = metricNames(catalogue);
    UcumEssenceService ucum = MappingCatalogue.ucumService();
    List<SummaryDefinition> definitions = new ArrayList<>();
    Set<String> measures = new java.util.HashSet<>();
    for (TsvTable.Row row : TsvTable.read(file, new StringReader(text), COLUMNS)) {
      SummaryDefinition d = definition(row, known, ucum);
      if (!measures.add(d.measure())) {
        throw row.fail("duplicate measure " + d.measure());
      }
      definitions.add(d);
    }
    return new SummaryCatalogue(version, definitions);
  }

  private static SummaryDefinition definition(
      TsvTable.Row row, Set<String> known, UcumEssenceService ucum) {
    String measure = row.required("measure");
    if (!MEASURE.matcher(measure).matches()) {
      throw row.fail("measure " + measure + " is not [a-z0-9-]+ (at most 63 characters)");
    }
    SummaryPeriod period = MappingCatalogue.parse(row, "period", SummaryPeriod::parse);
    Set<String> metrics = new LinkedHashSet<>(MappingCatalogue.splitList(row.required("metrics")));
    for (String metric : metrics) {
      if (!known.contains(metric)) {
        throw row.fail("metric " + metric + " is not emitted by the mapping catalogue");
      }
    }
    SummaryDefinition.Aggregate aggregate =
        MappingCatalogue.parse(
            row,
            "aggregate",
            t -> SummaryDefinition.Aggregate.valueOf(t.toUpperCase(java.util.Locale.ROOT)));
    List<SummaryStatistic> components = new ArrayList<>();
    for (String c : MappingCatalogue.splitList(row.get("components"))) {
      try {
        components.add(SummaryStatistic.parse(c));
      } catch (IllegalArgumentException e) {
        throw row.fail("unknown component " + c);
      }
    }
    if (aggregate == SummaryDefinition.Aggregate.STATS && components.isEmpty()) {
      throw row.fail("aggregate stats needs components");
    }
    String loinc = MappingCatalogue.loinc(row, "loinc", "loinc_display");
    if (loinc == null) {
      throw row.fail("column loinc is empty");
    }
    String alsoLoinc = MappingCatalogue.loinc(row, "also_loinc", "also_loinc_display");
    String ucumCode = row.required("ucum");
    MappingCatalogue.checkUcum(row, ucum, ucumCode);
    int decimals;
    try {
      decimals = Integer.parseInt(row.required("decimals"));
    } catch (NumberFormatException e) {
      throw row.fail("decimals is not an integer");
    }
    if (decimals < 0 || decimals > 6) {
      throw row.fail("decimals must be 0-6");
    }
    String category = MappingCatalogue.blankToNull(row.get("category"));
    if (category != null && !MappingCatalogue.CATEGORIES.contains(category)) {
      throw row.fail("unknown category " + category);
    }
    return new SummaryDefinition(
        measure,
        period,
        metrics,
        aggregate,
        components,
        loinc,
        row.required("loinc_display"),
        alsoLoinc,
        MappingCatalogue.blankToNull(row.get("also_loinc_display")),
        row.required("name"),
        ucumCode,
        row.required("unit"),
        decimals,
        category);
  }

  /**
   * Every metric name the catalogue's mappers emit: the metric column, blood-pressure parts, sleep
   * stages.
   */
  static Set<String> metricNames(MappingCatalogue catalogue) {
    Set<String> names = new java.util.HashSet<>();
    for (CatalogueEntry entry : catalogue.entries()) {
      if (entry.metric() != null) {
        names.add(entry.metric());
        if (entry.kind() == ValueKind.BLOOD_PRESSURE) {
          names.add(entry.metric() + "_systolic");
          names.add(entry.metric() + "_diastolic");
        }
      }
    }
    for (String valueSet : SLEEP_VALUE_SETS) {
      for (CodedValue value : catalogue.codedValues(valueSet)) {
        if (value.loinc() != null) {
          names.add(SLEEP_METRIC_PREFIX + value.loinc());
        }
      }
    }
    return names;
  }

  /** The summaries-version line. */
  public String version() {
    return version;
  }

  /** Every summary in file order. */
  public List<SummaryDefinition> definitions() {
    return definitions;
  }

  /** The summaries a metric feeds; empty for most metrics. */
  public List<SummaryDefinition> forMetric(String metric) {
    return byMetric.getOrDefault(metric, List.of());
  }

  public Optional<SummaryDefinition> measure(String measure) {
    return Optional.ofNullable(byMeasure.get(measure));
  }
}

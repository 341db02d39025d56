package io.fhirflow.mapping;

import io.fhirflow.schema.Platform;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Pattern;
import org.fhir.ucum.UcumEssenceService;
import org.fhir.ucum.UcumException;

/**
 * The versioned catalogue of platform types: three tab-separated files (catalogue.tsv, codes.tsv,
 * units.tsv; format in docs/catalogue.md), loaded once and fully validated. Any problem is a {@link
 * CatalogueException} that names the file and line; a loaded catalogue is immutable and
 * thread-safe.
 */
public final class MappingCatalogue {
  static final String CATALOGUE_FILE = "catalogue.tsv";
  static final String CODES_FILE = "codes.tsv";
  static final String UNITS_FILE = "units.tsv";
  static final String RESOURCE_DIR = "/io/fhirflow/mapping/catalogue/";
  private static final Pattern LOINC_CODE = Pattern.compile("\\d{1,8}-\\d");
  private static final Pattern VERSION_LINE =
      Pattern.compile("#\\s*catalogue-version:\\s*(\\S+)\\s*");
  static final Set<String> CATEGORIES =
      Set.of(
          "social-history",
          "vital-signs",
          "imaging",
          "laboratory",
          "procedure",
          "survey",
          "exam",
          "therapy",
          "activity");

  /** The R4 vital-signs profiles, keyed by name, with the LOINC code each one fixes. */
  private static final Map<String, String> VITAL_SIGNS_PROFILES =
      Map.of(
          "heartrate",
          "8867-4",
          "resprate",
          "9279-1",
          "oxygensat",
          "2708-6",
          "bodytemp",
          "8310-5",
          "bodyheight",
          "8302-2",
          "headcircum",
          "9843-4",
          "bodyweight",
          "29463-7",
          "bmi",
          "39156-5",
          "bp",
          "85354-9");

  /**
   * The columns that give an Observation its code, name and unit, in this order, in both
   * catalogue.tsv and summaries.tsv: one list, so the two files name the same things alike and are
   * read by the same {@link #loinc} and {@link #checkUcum}.
   */
  static final List<String> CODING_COLUMNS =
      List.of("loinc", "loinc_display", "also_loinc", "also_loinc_display", "name", "ucum", "unit");

  private static final List<String> CATALOGUE_COLUMNS =
      TsvTable.columns(
          List.of("platform", "type", "field", "kind"),
          CODING_COLUMNS,
          List.of(
              "source_units",
              "category",
              "profile",
              "min",
              "max",
              "value_set",
              "metric",
              "metric_kind"));
  private static final List<String> CODES_COLUMNS =
      List.of("value_set", "value", "code", "display", "loinc", "loinc_display");
  private static final List<String> UNITS_COLUMNS = List.of("from", "to", "factor", "offset");

  private static volatile MappingCatalogue builtIn;

  private final String version;
  private final List<CatalogueEntry> entries;

  /**
   * Per platform, then by type: looked up for every sample, and a platform-and-type string key cost
   * a concatenation and a hash of the new string each time (issue 19 item 1).
   */
  private final Map<Platform, Map<String, List<CatalogueEntry>>> byType;

  private final Map<String, Map<Integer, CodedValue>> codesByValue;
  private final Map<String, Map<String, CodedValue>> codesByCode;

  private MappingCatalogue(
      String version, List<CatalogueEntry> entries, Map<String, Map<Integer, CodedValue>> codes) {
    this.version = version;
    this.entries = List.copyOf(entries);
    Map<Platform, Map<String, List<CatalogueEntry>>> types = new EnumMap<>(Platform.class);
    for (CatalogueEntry entry : entries) {
      types
          .computeIfAbsent(entry.platform(), p -> new HashMap<>())
          .computeIfAbsent(entry.type(), k -> new ArrayList<>())
          .add(entry);
    }
    for (Map<String, List<CatalogueEntry>> ofPlatform : types.values()) {
      ofPlatform.replaceAll((k, v) -> List.copyOf(v));
    }
    this.byType = types;
    this.codesByValue = codes;
    Map<String, Map<String, CodedValue>> byCode = new HashMap<>();
    codes.forEach(
        (set, values) ->
            values
                .values()
                .forEach(v -> byCode.computeIfAbsent(set, k -> new HashMap<>()).put(v.code(), v)));
    this.codesByCode = byCode;
  }

  /** The catalogue shipped in this jar; loaded and validated on first use. */
  public static MappingCatalogue builtIn() {
    MappingCatalogue catalogue = builtIn;
    if (catalogue == null) {
      synchronized (MappingCatalogue.class) {
        catalogue = builtIn;
        if (catalogue == null) {
          catalogue =
              load(
                  name -> {
                    InputStream in =
                        MappingCatalogue.class.getResourceAsStream(RESOURCE_DIR + name);
                    if (in == null) {
                      throw new CatalogueException("built-in catalogue lacks " + name);
                    }
                    return new InputStreamReader(in, StandardCharsets.UTF_8);
                  },
                  "classpath:" + RESOURCE_DIR);
          builtIn = catalogue;
        }
      }
    }
    return catalogue;
  }

  /**
   * Loads a catalogue from a directory holding catalogue.tsv, codes.tsv and units.tsv.
   *
   * @throws CatalogueException naming file and line if anything is missing or invalid
   */
  public static MappingCatalogue load(Path directory) {
    return load(
        name -> {
          try {
            return Files.newBufferedReader(directory.resolve(name), StandardCharsets.UTF_8);
          } catch (IOException e) {
            throw new CatalogueException(directory.resolve(name) + ": cannot read", e);
          }
        },
        directory.toString() + "/");
  }

  private static MappingCatalogue load(Function<String, Reader> open, String location) {
    String catalogueName = location + CATALOGUE_FILE;
    String catalogueText = readAll(open.apply(CATALOGUE_FILE), catalogueName);
    String version =
        catalogueText
            .lines()
            .map(VERSION_LINE::matcher)
            .filter(java.util.regex.Matcher::matches)
            .map(m -> m.group(1))
            .findFirst()
            .orElseThrow(
                () -> new CatalogueException(catalogueName + ": no '# catalogue-version: N' line"));
    UcumEssenceService ucum = ucumService();
    Map<String, UnitConversion> units =
        readUnits(open.apply(UNITS_FILE), location + UNITS_FILE, ucum);
    Map<String, Map<Integer, CodedValue>> codes =
        readCodes(open.apply(CODES_FILE), location + CODES_FILE);
    List<TsvTable.Row> rows =
        TsvTable.read(catalogueName, new java.io.StringReader(catalogueText), CATALOGUE_COLUMNS);
    List<CatalogueEntry> entries = new ArrayList<>();
    Set<String> seen = new java.util.HashSet<>();
    for (TsvTable.Row row : rows) {
      CatalogueEntry entry = entry(row, units, codes, ucum);
      if (!seen.add(entry.platform() + "|" + entry.platformCode())) {
        throw row.fail("duplicate entry " + entry.platform() + " " + entry.platformCode());
      }
      entries.add(entry);
    }
    if (entries.isEmpty()) {
      throw new CatalogueException(catalogueName + ": no entries");
    }
    return new MappingCatalogue(version, entries, codes);
  }

  private static CatalogueEntry entry(
      TsvTable.Row row,
      Map<String, UnitConversion> units,
      Map<String, Map<Integer, CodedValue>> codes,
      UcumEssenceService ucum) {
    Platform platform = parse(row, "platform", Platform::valueOf);
    ValueKind kind = parse(row, "kind", ValueKind::parse);
    String type = row.required("type");
    String field = row.get("field");
    if ((kind == ValueKind.MEASUREMENT || kind == ValueKind.CODED) && field.isEmpty()) {
      throw row.fail("kind " + kind + " needs a field");
    }
    String loinc = loinc(row, "loinc", "loinc_display");
    String alsoLoinc = loinc(row, "also_loinc", "also_loinc_display");
    String ucumCode = blankToNull(row.get("ucum"));
    if (kind.hasQuantity() && ucumCode == null) {
      throw row.fail("kind " + kind + " needs a ucum unit");
    }
    if (ucumCode != null) {
      checkUcum(row, ucum, ucumCode);
      row.required("unit");
    }
    Map<String, UnitConversion> accepted = new LinkedHashMap<>();
    for (String source : splitList(row.get("source_units"))) {
      UnitConversion conversion = units.get(source + "\t" + ucumCode);
      if (conversion == null && source.equals(ucumCode)) {
        conversion = UnitConversion.identity(source);
      }
      if (conversion == null) {
        throw row.fail(
            "source unit " + source + " has no conversion to " + ucumCode + " in " + UNITS_FILE);
      }
      accepted.put(source, conversion);
    }
    if (kind == ValueKind.UNSUPPORTED && (loinc != null || ucumCode != null)) {
      throw row.fail("an UNSUPPORTED entry carries no codes or unit");
    }
    if (ucumCode != null
        && accepted.isEmpty()
        && kind != ValueKind.SLEEP_STAGE
        && kind != ValueKind.SLEEP_SESSION
        && kind != ValueKind.BLOOD_PRESSURE) {
      throw row.fail("lists no source_units");
    }
    String category = blankToNull(row.get("category"));
    if (category != null && !CATEGORIES.contains(category)) {
      throw row.fail("unknown category " + category);
    }
    String profile = blankToNull(row.get("profile"));
    if (profile != null) {
      String fixedCode = VITAL_SIGNS_PROFILES.get(profile);
      if (fixedCode == null) {
        throw row.fail("unknown vital-signs profile " + profile);
      }
      if (!"vital-signs".equals(category)) {
        throw row.fail("profile " + profile + " needs category vital-signs");
      }
      if (!fixedCode.equals(loinc)) {
        throw row.fail("profile " + profile + " needs LOINC " + fixedCode);
      }
    }
    Double min = number(row, "min");
    Double max = number(row, "max");
    if (min != null && max != null && min > max) {
      throw row.fail("min is above max");
    }
    String valueSet = blankToNull(row.get("value_set"));
    if (kind.needsValueSet() && valueSet == null) {
      throw row.fail("a " + kind + " entry needs a value_set");
    }
    if (valueSet != null && !codes.containsKey(valueSet)) {
      throw row.fail("value_set " + valueSet + " is not in " + CODES_FILE);
    }
    String metric = blankToNull(row.get("metric"));
    String metricKindText = blankToNull(row.get("metric_kind"));
    if ((metric == null) != (metricKindText == null)) {
      throw row.fail("metric and metric_kind go together");
    }
    MetricKind metricKind =
        metricKindText == null ? null : parse(row, "metric_kind", MetricKind::valueOf);
    return new CatalogueEntry(
        platform,
        type,
        field,
        kind,
        loinc,
        blankToNull(row.get("loinc_display")),
        alsoLoinc,
        blankToNull(row.get("also_loinc_display")),
        row.required("name"),
        ucumCode,
        blankToNull(row.get("unit")),
        accepted,
        category,
        profile,
        min,
        max,
        valueSet,
        metric,
        metricKind);
  }

  private static Map<String, UnitConversion> readUnits(
      Reader reader, String file, UcumEssenceService ucum) {
    Map<String, UnitConversion> units = new HashMap<>();
    for (TsvTable.Row row : TsvTable.read(file, reader, UNITS_COLUMNS)) {
      String from = row.required("from");
      String to = row.required("to");
      checkUcum(row, ucum, to);
      Double factor = number(row, "factor");
      Double offset = number(row, "offset");
      if (factor == null || factor == 0) {
        throw row.fail("factor must be a non-zero number");
      }
      UnitConversion conversion = new UnitConversion(from, to, factor, offset == null ? 0 : offset);
      if (units.put(from + "\t" + to, conversion) != null) {
        throw row.fail("duplicate conversion " + from + " -> " + to);
      }
    }
    return units;
  }

  private static Map<String, Map<Integer, CodedValue>> readCodes(Reader reader, String file) {
    Map<String, Map<Integer, CodedValue>> codes = new HashMap<>();
    for (TsvTable.Row row : TsvTable.read(file, reader, CODES_COLUMNS)) {
      String valueSet = row.required("value_set");
      int value;
      try {
        value = Integer.parseInt(row.required("value"));
      } catch (NumberFormatException e) {
        throw row.fail("value is not an integer");
      }
      CodedValue coded =
          new CodedValue(
              valueSet,
              value,
              row.required("code"),
              row.required("display"),
              loinc(row, "loinc", "loinc_display"),
              blankToNull(row.get("loinc_display")));
      Map<Integer, CodedValue> set = codes.computeIfAbsent(valueSet, k -> new LinkedHashMap<>());
      if (set.put(value, coded) != null) {
        throw row.fail("duplicate value " + value + " in " + valueSet);
      }
    }
    codes.replaceAll((k, v) -> Collections.unmodifiableMap(v));
    return Collections.unmodifiableMap(codes);
  }

  static String loinc(TsvTable.Row row, String codeColumn, String displayColumn) {
    String code = blankToNull(row.get(codeColumn));
    if (code == null) {
      if (!row.get(displayColumn).isEmpty()) {
        throw row.fail(displayColumn + " without " + codeColumn);
      }
      return null;
    }
    if (!LOINC_CODE.matcher(code).matches()) {
      throw row.fail(codeColumn + " " + code + " is not a LOINC observable code (nnnnn-n)");
    }
    if (!checkDigitValid(code)) {
      throw row.fail(codeColumn + " " + code + " fails the LOINC check digit");
    }
    row.required(displayColumn);
    return code;
  }

  /**
   * LOINC check digit: mod-10 (Luhn) over the digits before the dash. Catches most typos in codes.
   */
  static boolean checkDigitValid(String code) {
    int dash = code.indexOf('-');
    String digits = code.substring(0, dash);
    int sum = 0;
    boolean doubleIt = true;
    for (int i = digits.length() - 1; i >= 0; i--) {
      int d = digits.charAt(i) - '0';
      if (doubleIt) {
        d *= 2;
        if (d > 9) {
          d -= 9;
        }
      }
      sum += d;
      doubleIt = !doubleIt;
    }
    int check = (10 - sum % 10) % 10;
    return check == code.charAt(dash + 1) - '0';
  }

  static void checkUcum(TsvTable.Row row, UcumEssenceService ucum, String code) {
    String problem = ucum.validate(code);
    if (problem != null) {
      throw row.fail("invalid UCUM " + code + ": " + problem);
    }
  }

  static UcumEssenceService ucumService() {
    try (InputStream essence = UcumEssenceService.class.getResourceAsStream("/ucum-essence.xml")) {
      if (essence == null) {
        throw new CatalogueException("ucum-essence.xml is not on the classpath");
      }
      return new UcumEssenceService(essence);
    } catch (IOException | UcumException e) {
      throw new CatalogueException("cannot load the UCUM essence", e);
    }
  }

  static <T> T parse(TsvTable.Row row, String column, Function<String, T> parser) {
    String text = row.required(column);
    try {
      return parser.apply(text);
    } catch (IllegalArgumentException e) {
      throw row.fail("unknown " + column + " " + text);
    }
  }

  private static Double number(TsvTable.Row row, String column) {
    String text = row.get(column);
    if (text.isEmpty()) {
      return null;
    }
    try {
      double value = Double.parseDouble(text);
      if (!Double.isFinite(value)) {
        throw row.fail(column + " is not finite");
      }
      return value;
    } catch (NumberFormatException e) {
      throw row.fail(column + " is not a number: " + text);
    }
  }

  static List<String> splitList(String text) {
    if (text.isEmpty()) {
      return List.of();
    }
    List<String> items = new ArrayList<>();
    for (String item : text.split("\\|")) {
      if (!item.isBlank()) {
        items.add(item.strip());
      }
    }
    return items;
  }

  static String blankToNull(String text) {
    return text == null || text.isEmpty() ? null : text;
  }

  static String readAll(Reader reader, String file) {
    try (Reader in = reader) {
      StringBuilder text = new StringBuilder();
      char[] buffer = new char[8192];
      for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
        text.append(buffer, 0, n);
      }
      return text.toString();
    } catch (IOException e) {
      throw new UncheckedIOException(file, e);
    }
  }

  /** The catalogue-version line of catalogue.tsv. */
  public String version() {
    return version;
  }

  /** Every entry in file order. */
  public List<CatalogueEntry> entries() {
    return entries;
  }

  /**
   * The entries of one platform type (several for Health Connect records with one row per field);
   * empty if unknown.
   */
  public List<CatalogueEntry> entries(Platform platform, String type) {
    Map<String, List<CatalogueEntry>> ofPlatform = byType.get(platform);
    List<CatalogueEntry> found = ofPlatform == null || type == null ? null : ofPlatform.get(type);
    return found == null ? List.of() : found;
  }

  /** The whole-record or HealthKit entry of a type (field empty), if any. */
  public Optional<CatalogueEntry> entry(Platform platform, String type) {
    for (CatalogueEntry entry : entries(platform, type)) {
      if (entry.field().isEmpty()) {
        return Optional.of(entry);
      }
    }
    return Optional.empty();
  }

  /** One value of an enumeration from codes.tsv. */
  public Optional<CodedValue> codedValue(String valueSet, int value) {
    Map<Integer, CodedValue> set = codesByValue.get(valueSet);
    return set == null ? Optional.empty() : Optional.ofNullable(set.get(value));
  }

  /** One value of an enumeration looked up by its symbolic code. */
  public Optional<CodedValue> codedValue(String valueSet, String code) {
    Map<String, CodedValue> set = codesByCode.get(valueSet);
    return set == null ? Optional.empty() : Optional.ofNullable(set.get(code));
  }

  /** Every value of an enumeration in file order; empty if unknown. */
  public List<CodedValue> codedValues(String valueSet) {
    Map<Integer, CodedValue> set = codesByValue.get(valueSet);
    return set == null ? List.of() : List.copyOf(set.values());
  }

  /** Whether codes.tsv defines this enumeration. */
  public boolean hasValueSet(String valueSet) {
    return codesByValue.containsKey(valueSet);
  }
}

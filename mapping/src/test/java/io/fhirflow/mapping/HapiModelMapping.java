package io.fhirflow.mapping;

import ca.uhn.fhir.model.api.TemporalPrecisionEnum;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.io.SegmentedStringWriter;
import io.fhirflow.contracts.FhirSystems;
import io.fhirflow.schema.HcInstantaneous;
import io.fhirflow.schema.HcInterval;
import io.fhirflow.schema.HcMeasurement;
import io.fhirflow.schema.HcSeries;
import io.fhirflow.schema.HcSeriesSample;
import io.fhirflow.schema.HcStage;
import io.fhirflow.schema.HkCategory;
import io.fhirflow.schema.HkCorrelation;
import io.fhirflow.schema.HkCorrelationMember;
import io.fhirflow.schema.HkQuantity;
import io.fhirflow.schema.HkWorkout;
import io.fhirflow.schema.HkWorkoutStatistic;
import io.fhirflow.schema.Platform;
import io.fhirflow.schema.RecordVersion;
import io.fhirflow.schema.WearableSample;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Date;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TimeZone;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.Device;
import org.hl7.fhir.r4.model.Extension;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.InstantType;
import org.hl7.fhir.r4.model.IntegerType;
import org.hl7.fhir.r4.model.Meta;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Period;
import org.hl7.fhir.r4.model.Quantity;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.StringType;
import org.hl7.fhir.r4.model.Type;
import org.hl7.fhir.r4.model.UriType;

/**
 * The mapping as it was before issue 19 item 1 (commit 9c93ebb): shapes that build HAPI model
 * objects ({@code Observation}, {@code Coding}, {@code DateTimeType} with a GregorianCalendar per
 * date) and the hand-written encoder that walked them, copied verbatim as nested classes. Frozen
 * here, in test scope only, as the oracle the model-free mapping is compared with byte for byte
 * ({@code ModelFreeEncodingTest}); its HAPI models also let {@code CatalogueCoverageTest} compare
 * the mapper's output with HAPI's own encoder. Change it only to follow a deliberate change of the
 * output, which the comparison would otherwise report.
 */
final class HapiModelMapping {
  private final MappingCatalogue catalogue;
  private final Map<ValueKind, ObservationShape> shapes = new EnumMap<>(ValueKind.class);

  /** What the old path gave for a sample: its encoder's JSON and the metric points. */
  record Result(List<String> json, List<MetricPoint> metrics) {}

  HapiModelMapping(MappingCatalogue catalogue) {
    this.catalogue = catalogue;
    shapes.put(ValueKind.QUANTITY, new QuantityShape());
    shapes.put(ValueKind.CATEGORY, new CategoryShape());
    shapes.put(ValueKind.SLEEP_STAGE, new SleepStageShape());
    shapes.put(ValueKind.BLOOD_PRESSURE, new BloodPressureShape());
    shapes.put(ValueKind.FOOD, new FoodShape());
    shapes.put(ValueKind.WORKOUT, new WorkoutShape());
    shapes.put(ValueKind.MEASUREMENT, new MeasurementShape());
    shapes.put(ValueKind.SERIES, new SeriesShape());
    shapes.put(ValueKind.SLEEP_SESSION, new SleepSessionShape());
    shapes.put(ValueKind.EXERCISE_SESSION, new ExerciseSessionShape());
    shapes.put(ValueKind.CODED, new CodedShape());
    shapes.put(ValueKind.EVENT, new EventShape());
  }

  /**
   * The old path's JSON (its hand-written encoder over its models) and metric points.
   *
   * @throws SampleRejected as the old mapper rejected the sample
   */
  Result map(String tenant, WearableSample sample, boolean amended) {
    SampleContext context = build(tenant, sample, amended);
    List<String> json = new ArrayList<>();
    for (Observation observation : context.observations) {
      json.add(FhirJsonEncoder.observation(observation));
    }
    return new Result(json, context.metrics);
  }

  /**
   * The Observation models of a sample, after the same checks as {@link FhirMapper} made then.
   *
   * @throws SampleRejected as the old mapper rejected the sample
   */
  List<Observation> observations(String tenant, WearableSample sample, boolean amended) {
    return build(tenant, sample, amended).observations;
  }

  /** FhirMapper.build as it was, with uncached Patient and Device. */
  private SampleContext build(String tenant, WearableSample sample, boolean amended) {
    if (sample == null) {
      throw new SampleRejected(RejectReason.INVALID_SHAPE, "no sample");
    }
    if (isBlank(sample.getUserId()) || isBlank(sample.getRecordId())) {
      throw new SampleRejected(
          RejectReason.MISSING_ID,
          isBlank(sample.getUserId()) ? "userId is missing" : "recordId is missing");
    }
    if (sample.getType() == null
        || sample.getPlatform() == null
        || sample.getStartTime() == null
        || sample.getEndTime() == null) {
      throw new SampleRejected(RejectReason.INVALID_SHAPE, "type, platform or time is missing");
    }
    if (sample.getEndTime().isBefore(sample.getStartTime())) {
      throw new SampleRejected(
          RejectReason.END_BEFORE_START, sample.getType() + " ends before it starts");
    }
    List<CatalogueEntry> entries = catalogue.entries(sample.getPlatform(), sample.getType());
    if (entries.isEmpty()) {
      throw new SampleRejected(
          RejectReason.UNKNOWN_TYPE,
          "type not in catalogue: " + SampleRejected.printable(sample.getType()));
    }
    if (entries.get(0).kind() == ValueKind.UNSUPPORTED) {
      throw new SampleRejected(
          RejectReason.UNSUPPORTED_TYPE,
          "type not supported: " + SampleRejected.printable(sample.getType()));
    }
    StorableSample.check(sample);
    FhirResource patient = PatientFactory.resource(tenant, sample.getUserId());
    String deviceKey = DeviceFactory.key(sample).orElse(null);
    FhirResource device =
        deviceKey == null ? null : DeviceFactory.resource(tenant, sample, deviceKey);
    SampleContext context = new SampleContext(tenant, sample, catalogue, amended, patient, device);
    Map<ValueKind, List<CatalogueEntry>> groups = new LinkedHashMap<>();
    for (CatalogueEntry entry : entries) {
      groups.computeIfAbsent(entry.kind(), k -> new ArrayList<>()).add(entry);
    }
    for (Map.Entry<ValueKind, List<CatalogueEntry>> group : groups.entrySet()) {
      shapes.get(group.getKey()).build(context, group.getValue());
    }
    if (context.observations.isEmpty()) {
      throw new SampleRejected(
          RejectReason.INVALID_SHAPE, sample.getType() + " carries no field the catalogue maps");
    }
    return context;
  }

  private static boolean isBlank(String text) {
    return text == null || text.isBlank();
  }

  /**
   * Everything the shape mappers share while mapping one sample: the common Observation skeleton
   * (id, meta, identifier, status, category, code, subject, device, effective[x]) and the collected
   * results.
   */
  static final class SampleContext {
    static final Map<String, String> CATEGORY_DISPLAYS =
        Map.of(
            "social-history",
            "Social History",
            "vital-signs",
            "Vital Signs",
            "imaging",
            "Imaging",
            "laboratory",
            "Laboratory",
            "procedure",
            "Procedure",
            "survey",
            "Survey",
            "exam",
            "Exam",
            "therapy",
            "Therapy",
            "activity",
            "Activity");

    /** At most one entry per offset the phones send (a few dozen), so the map stays small. */
    private static final Map<ZoneOffset, TimeZone> TIME_ZONES = new ConcurrentHashMap<>();

    final String tenant;
    final WearableSample sample;
    final MappingCatalogue catalogue;
    private final boolean amended;
    private final FhirResource patient;
    private final String patientReference;
    private final FhirResource device;
    private final String deviceReference;
    private final String versionId;

    /**
     * meta.lastUpdated, built once per sample and shared by its Observations (the model is only
     * read by the encoder): a HAPI date costs a GregorianCalendar and a formatting pass.
     */
    private final InstantType lastUpdated;

    private final String source;
    private final ZoneId zone;
    final List<Observation> observations = new ArrayList<>(2);
    final List<MetricPoint> metrics = new ArrayList<>(1);

    SampleContext(
        String tenant,
        WearableSample sample,
        MappingCatalogue catalogue,
        boolean amended,
        FhirResource patient,
        FhirResource device) {
      this.tenant = tenant;
      this.sample = sample;
      this.catalogue = catalogue;
      this.amended = amended;
      this.patient = patient;
      this.patientReference = patient.reference();
      this.device = device;
      this.deviceReference = device == null ? null : device.reference();
      this.versionId = versionId(sample.getVersion());
      this.lastUpdated = instant(lastUpdated(sample));
      this.source = metaSource(sample);
      this.zone = zoneOf(sample);
    }

    /**
     * clientRecordVersion, else syncVersion, else 0: what orders two versions of the same record.
     */
    static String versionId(RecordVersion version) {
      if (version == null) {
        return "0";
      }
      if (version.getClientRecordVersion() != null) {
        return Long.toString(version.getClientRecordVersion());
      }
      if (version.getSyncVersion() != null) {
        return Long.toString(version.getSyncVersion());
      }
      return "0";
    }

    /**
     * lastModifiedTime, else creationTime, else receivedTime: never the wall clock, so replays give
     * the same bytes.
     */
    static Instant lastUpdated(WearableSample sample) {
      RecordVersion version = sample.getVersion();
      if (version != null && version.getLastModifiedTime() != null) {
        return version.getLastModifiedTime();
      }
      if (sample.getCreationTime() != null) {
        return sample.getCreationTime();
      }
      return sample.getReceivedTime();
    }

    static String metaSource(WearableSample sample) {
      String app = sample.getSource() == null ? null : sample.getSource().getBundleId();
      String platform =
          sample.getPlatform() == Platform.HEALTHKIT ? "healthkit:" : "health-connect:";
      return FhirSystems.SOURCE_PREFIX
          + platform
          + (app == null || app.isBlank() ? "unknown" : uriSafe(app));
    }

    /**
     * Percent-encodes anything but unreserved URI characters; bundle ids and package names rarely
     * need it.
     */
    private static String uriSafe(String text) {
      StringBuilder out = new StringBuilder(text.length());
      for (byte b : text.getBytes(java.nio.charset.StandardCharsets.UTF_8)) {
        char c = (char) (b & 0xff);
        if ((c >= 'a' && c <= 'z')
            || (c >= 'A' && c <= 'Z')
            || (c >= '0' && c <= '9')
            || c == '.'
            || c == '-'
            || c == '_'
            || c == '~') {
          out.append(c);
        } else {
          out.append('%')
              .append(Character.toUpperCase(Character.forDigit((b >> 4) & 0xf, 16)))
              .append(Character.toUpperCase(Character.forDigit(b & 0xf, 16)));
        }
      }
      return out.toString();
    }

    /**
     * The measurement's zone: the IANA zone when the phone sent one (HKTimeZone), else the start
     * offset, else UTC.
     */
    static ZoneId zoneOf(WearableSample sample) {
      if (sample.getTimeZone() != null) {
        try {
          return ZoneId.of(sample.getTimeZone());
        } catch (java.time.DateTimeException e) {
          // An unknown zone name is not worth rejecting the sample: the offset below is still
          // right.
        }
      }
      if (sample.getStartZoneOffsetSeconds() != null) {
        return ZoneOffset.ofTotalSeconds(sample.getStartZoneOffsetSeconds());
      }
      return ZoneOffset.UTC;
    }

    ZoneId zone() {
      return zone;
    }

    FhirResource patient() {
      return patient;
    }

    /** The user's Device that measured, or null when the sample names no device. */
    FhirResource device() {
      return device;
    }

    /**
     * A new Observation coded as the entry says, added to the results; see the five-argument form.
     */
    Observation observation(CatalogueEntry entry, String part) {
      return observation(entry, part, entry.loinc(), entry.loincDisplay(), entry.platformCode());
    }

    /**
     * A new Observation with the parts every shape shares, added to the results.
     *
     * @param entry the catalogue row that codes it
     * @param part distinguishes several Observations of one record (series sample time, field,
     *     stage); null for the first
     * @param loinc the primary LOINC code: the entry's, or one chosen by a value (sleep stage,
     *     specimen); null for none
     * @param loincDisplay its display
     * @param platformCode the platform coding's code: the entry's, or a value's constant (sleep
     *     stage)
     */
    Observation observation(
        CatalogueEntry entry, String part, String loinc, String loincDisplay, String platformCode) {
      boolean entryCode = java.util.Objects.equals(loinc, entry.loinc());
      Observation observation = new Observation();
      String recordId = sample.getRecordId();
      observation.setId(
          ResourceIds.observation(
              tenant, sample.getUserId(), sample.getPlatform().name(), recordId, part));
      observation.getMeta().setVersionId(versionId);
      observation.getMeta().setLastUpdatedElement(lastUpdated);
      observation.getMeta().setSource(source);
      observation.getMeta().addTag(FhirSystems.TENANT, tenant, null);
      if (entry.profileUrl() != null && entryCode) {
        observation.getMeta().addProfile(entry.profileUrl());
      }
      boolean healthKit = sample.getPlatform() == Platform.HEALTHKIT;
      observation
          .addIdentifier()
          .setSystem(healthKit ? FhirSystems.SID_HEALTHKIT_UUID : FhirSystems.SID_HEALTH_CONNECT_ID)
          .setValue(part == null ? recordId : recordId + "/" + part);
      RecordVersion version = sample.getVersion();
      if (!healthKit && version != null && version.getClientRecordId() != null && part == null) {
        String app = sample.getSource() == null ? null : sample.getSource().getBundleId();
        observation
            .addIdentifier()
            .setSystem(FhirSystems.SID_HEALTH_CONNECT_CLIENT_ID)
            .setValue((app == null ? "" : app) + ":" + version.getClientRecordId());
      }
      observation.setStatus(
          amended ? Observation.ObservationStatus.AMENDED : Observation.ObservationStatus.FINAL);
      if (entry.category() != null) {
        observation
            .addCategory()
            .addCoding()
            .setSystem(FhirSystems.OBSERVATION_CATEGORY)
            .setCode(entry.category())
            .setDisplay(CATEGORY_DISPLAYS.get(entry.category()));
      }
      CodeableConcept code = observation.getCode();
      if (loinc != null) {
        code.addCoding().setSystem(FhirSystems.LOINC).setCode(loinc).setDisplay(loincDisplay);
      }
      if (entry.alsoLoinc() != null && entryCode) {
        code.addCoding()
            .setSystem(FhirSystems.LOINC)
            .setCode(entry.alsoLoinc())
            .setDisplay(entry.alsoLoincDisplay());
      }
      code.addCoding(platformCoding(platformCode));
      code.setText(entry.name());
      observation.setSubject(new Reference(patientReference));
      if (deviceReference != null) {
        observation.setDevice(new Reference(deviceReference));
      }
      observations.add(observation);
      return observation;
    }

    Coding platformCoding(String code) {
      return new Coding(
          sample.getPlatform() == Platform.HEALTHKIT
              ? FhirSystems.HEALTHKIT
              : FhirSystems.HEALTH_CONNECT,
          code,
          null);
    }

    void effective(
        Observation observation,
        Instant start,
        Instant end,
        Integer startOffset,
        Integer endOffset) {
      if (start.equals(end)) {
        observation.setEffective(dateTime(start, startOffset));
      } else {
        observation.setEffective(
            new Period()
                .setStartElement(dateTime(start, startOffset))
                .setEndElement(dateTime(end, endOffset != null ? endOffset : startOffset)));
        // The R4 vital-signs invariant vs-1 ("($this as dateTime).toString().length() >= 8") fails
        // on
        // a Period in
        // HAPI's validator, so an interval (e.g. an iOS 8 daily heart-rate average) keeps its true
        // period and its
        // vital-signs category but does not claim the profile.
        observation.getMeta().getProfile().clear();
      }
    }

    /** effective[x] from the sample's own start and end. */
    void effective(Observation observation) {
      effective(
          observation,
          sample.getStartTime(),
          sample.getEndTime(),
          sample.getStartZoneOffsetSeconds(),
          sample.getEndZoneOffsetSeconds());
    }

    /**
     * A dateTime in the sample's zone: IANA zone when known, else the offset the phone sent, else
     * UTC.
     */
    DateTimeType dateTime(Instant instant, Integer offsetSeconds) {
      ZoneOffset offset =
          sample.getTimeZone() != null || offsetSeconds == null
              ? zone.getRules().getOffset(instant)
              : ZoneOffset.ofTotalSeconds(offsetSeconds);
      TemporalPrecisionEnum precision =
          instant.toEpochMilli() % 1000 == 0
              ? TemporalPrecisionEnum.SECOND
              : TemporalPrecisionEnum.MILLI;
      return new DateTimeType(Date.from(instant), precision, timeZone(offset));
    }

    static InstantType instant(Instant instant) {
      return new InstantType(
          Date.from(instant), TemporalPrecisionEnum.MILLI, timeZone(ZoneOffset.UTC));
    }

    /**
     * One TimeZone per offset: {@link TimeZone#getTimeZone(ZoneId)} builds an id string, looks it
     * up and clones the zone on every call. Shared instances are safe because nothing here or in
     * HAPI's date types changes a zone it is given (HAPI only reads it into a new
     * GregorianCalendar).
     */
    private static TimeZone timeZone(ZoneOffset offset) {
      return TIME_ZONES.computeIfAbsent(offset, TimeZone::getTimeZone);
    }

    /** A UCUM quantity in the entry's unit. */
    static Quantity quantity(CatalogueEntry entry, double value) {
      return new Quantity()
          .setValue(decimal(value))
          .setUnit(entry.unit())
          .setSystem(FhirSystems.UCUM)
          .setCode(entry.ucum());
    }

    /** The shortest plain decimal for a double: 72.0 becomes 72, 36.6 stays 36.6. */
    static BigDecimal decimal(double value) {
      BigDecimal decimal = BigDecimal.valueOf(value).stripTrailingZeros();
      return decimal.scale() < 0 ? decimal.setScale(0, RoundingMode.UNNECESSARY) : decimal;
    }

    /** Whole minutes with up to three decimals between two instants. */
    static BigDecimal minutes(Instant start, Instant end) {
      BigDecimal decimal =
          BigDecimal.valueOf(end.toEpochMilli() - start.toEpochMilli())
              .divide(BigDecimal.valueOf(60_000), 3, RoundingMode.HALF_UP)
              .stripTrailingZeros();
      return decimal.scale() < 0 ? decimal.setScale(0, RoundingMode.UNNECESSARY) : decimal;
    }

    void metric(CatalogueEntry entry, double value, Instant time) {
      if (entry.metric() != null) {
        metrics.add(
            new MetricPoint(
                entry.metric(),
                entry.metricKind(),
                value,
                entry.ucum(),
                time,
                zone,
                lastObservationId()));
      }
    }

    /**
     * A metric point under an explicit name, for a row that yields several metrics (blood
     * pressure).
     */
    void metric(String name, MetricKind kind, double value, String unit, Instant time) {
      metrics.add(new MetricPoint(name, kind, value, unit, time, zone, lastObservationId()));
    }

    /**
     * Minutes asleep in one stage, for the sleep summaries: metric {@code sleep:<stage LOINC>} of
     * kind {@link MetricKind#DURATION}, carried by the Observation built last. Stages without a
     * LOINC code (in bed, awake) give none.
     */
    void sleepMetric(String stageLoinc, BigDecimal minutes, Instant start) {
      if (stageLoinc != null) {
        metric(
            SummaryCatalogue.SLEEP_METRIC_PREFIX + stageLoinc,
            MetricKind.DURATION,
            minutes.doubleValue(),
            "min",
            start);
      }
    }

    private String lastObservationId() {
      return observations.isEmpty()
          ? null
          : observations.get(observations.size() - 1).getIdElement().getIdPart();
    }
  }

  /**
   * Builds the Observations of one {@link ValueKind}. Implementations check what they read (finite
   * values, accepted units, ranges, body shape) and throw {@link SampleRejected} on the first
   * problem.
   */
  interface ObservationShape {
    /**
     * @param context the sample and the shared Observation skeleton; results go into it
     * @param entries the catalogue rows of this kind for the sample's type (one, or one per field)
     */
    void build(SampleContext context, List<CatalogueEntry> entries);
  }

  /** HealthKit quantity sample: one Observation with a UCUM valueQuantity. */
  static final class QuantityShape implements ObservationShape {
    @Override
    public void build(SampleContext context, List<CatalogueEntry> entries) {
      CatalogueEntry entry = entries.get(0);
      HkQuantity body = Quantities.body(context, HkQuantity.class, entry);
      double value = Quantities.convert(entry, body.getValue(), body.getUnit());
      Observation observation = context.observation(entry, null);
      context.effective(observation);
      observation.setValue(SampleContext.quantity(entry, value));
      context.metric(entry, value, context.sample.getStartTime());
    }
  }

  /** HealthKit category sample: valueCodeableConcept with the HealthKit category value. */
  static final class CategoryShape implements ObservationShape {
    @Override
    public void build(SampleContext context, List<CatalogueEntry> entries) {
      CatalogueEntry entry = entries.get(0);
      CodedValue value = categoryValue(context, entry);
      Observation observation = context.observation(entry, null);
      context.effective(observation);
      observation.setValue(
          new CodeableConcept()
              .addCoding(context.platformCoding(value.code()).setDisplay(value.display())));
    }

    /**
     * The sample's value: its symbolic label when the catalogue knows it, else its integer (iOS 8
     * files send only the integer; older labels such as HKCategoryValueSleepAnalysisAsleep are
     * aliases of a known integer). A label with an integer the catalogue does not know is kept
     * verbatim, so values of a newer iOS are not lost.
     */
    static CodedValue categoryValue(SampleContext context, CatalogueEntry entry) {
      HkCategory body = Quantities.body(context, HkCategory.class, entry);
      String label = body.getValueLabel();
      boolean labelled = label != null && !label.isBlank();
      if (labelled) {
        CodedValue known = context.catalogue.codedValue(entry.valueSet(), label).orElse(null);
        if (known != null) {
          return known;
        }
      }
      CodedValue byNumber =
          context.catalogue.codedValue(entry.valueSet(), body.getValue()).orElse(null);
      if (byNumber != null) {
        return byNumber;
      }
      if (labelled) {
        return new CodedValue(entry.valueSet(), body.getValue(), label, label, null, null);
      }
      throw new SampleRejected(
          RejectReason.INVALID_SHAPE,
          entry.platformCode() + " value is not in " + entry.valueSet());
    }
  }

  /**
   * HealthKit sleep analysis sample: one stage interval. Coded with the stage's LOINC duration code
   * where one exists (deep 93831-6, core 93830-8, REM 93829-0, asleep 93832-4); the value is the
   * stage's length in minutes and the HealthKit stage is a component (coded with its value set
   * name, since obs-7 forbids repeating the Observation code), so in-bed and awake intervals keep
   * their meaning too.
   */
  static final class SleepStageShape implements ObservationShape {
    @Override
    public void build(SampleContext context, List<CatalogueEntry> entries) {
      CatalogueEntry entry = entries.get(0);
      CodedValue stage = CategoryShape.categoryValue(context, entry);
      Observation observation =
          context.observation(
              entry, null, stage.loinc(), stage.loincDisplay(), entry.platformCode());
      context.effective(observation);
      java.math.BigDecimal minutes =
          SampleContext.minutes(context.sample.getStartTime(), context.sample.getEndTime());
      observation.setValue(
          new Quantity()
              .setValue(minutes)
              .setUnit(entry.unit())
              .setSystem(FhirSystems.UCUM)
              .setCode(entry.ucum()));
      context.sleepMetric(stage.loinc(), minutes, context.sample.getStartTime());
      observation
          .addComponent()
          .setCode(new CodeableConcept().addCoding(context.platformCoding(entry.valueSet())))
          .setValue(
              new CodeableConcept()
                  .addCoding(context.platformCoding(stage.code()).setDisplay(stage.display())));
    }
  }

  /**
   * Blood pressure as the R4 {@code bp} profile wants it: panel 85354-9 without a value of its own,
   * systolic 8480-6 and diastolic 8462-4 as mm[Hg] components. The component codes are fixed by the
   * profile, not by the catalogue. HealthKit sends a correlation whose members are the two quantity
   * samples (converted and range-checked with their own catalogue rows); Health Connect sends one
   * record with both fields and body position / cuff site.
   */
  static final class BloodPressureShape implements ObservationShape {
    static final String SYSTOLIC_TYPE = "HKQuantityTypeIdentifierBloodPressureSystolic";
    static final String DIASTOLIC_TYPE = "HKQuantityTypeIdentifierBloodPressureDiastolic";

    @Override
    public void build(SampleContext context, List<CatalogueEntry> entries) {
      CatalogueEntry panel = entries.get(0);
      double systolic;
      double diastolic;
      CatalogueEntry systolicEntry;
      CatalogueEntry diastolicEntry;
      if (context.sample.getPlatform() == Platform.HEALTHKIT) {
        HkCorrelation body = Quantities.body(context, HkCorrelation.class, panel);
        systolicEntry = memberEntry(context, SYSTOLIC_TYPE);
        diastolicEntry = memberEntry(context, DIASTOLIC_TYPE);
        HkCorrelationMember systolicMember = member(body, SYSTOLIC_TYPE, panel);
        HkCorrelationMember diastolicMember = member(body, DIASTOLIC_TYPE, panel);
        systolic =
            Quantities.convert(systolicEntry, systolicMember.getValue(), systolicMember.getUnit());
        diastolic =
            Quantities.convert(
                diastolicEntry, diastolicMember.getValue(), diastolicMember.getUnit());
      } else {
        HcInstantaneous body = Quantities.body(context, HcInstantaneous.class, panel);
        systolicEntry = panel;
        diastolicEntry = panel;
        HcMeasurement systolicField = field(body.getMeasurements(), "systolic", panel);
        HcMeasurement diastolicField = field(body.getMeasurements(), "diastolic", panel);
        systolic = Quantities.convert(panel, systolicField.getValue(), systolicField.getUnit());
        diastolic = Quantities.convert(panel, diastolicField.getValue(), diastolicField.getUnit());
      }
      Observation observation = context.observation(panel, null);
      context.effective(observation);
      component(observation, "8480-6", "Systolic blood pressure", systolic);
      component(observation, "8462-4", "Diastolic blood pressure", diastolic);
      if (context.sample.getBody() instanceof HcInstantaneous record) {
        HcEnums.addComponents(context, observation, panel.type(), record.getEnums(), Set.of());
      }
      if (systolicEntry != panel) {
        context.metric(systolicEntry, systolic, context.sample.getStartTime());
        context.metric(diastolicEntry, diastolic, context.sample.getStartTime());
      } else if (panel.metric() != null) {
        // One Health Connect row holds both values: <metric>_systolic and <metric>_diastolic, as
        // HealthKit's rows name them.
        context.metric(
            panel.metric() + "_systolic",
            panel.metricKind(),
            systolic,
            panel.ucum(),
            context.sample.getStartTime());
        context.metric(
            panel.metric() + "_diastolic",
            panel.metricKind(),
            diastolic,
            panel.ucum(),
            context.sample.getStartTime());
      }
    }

    private static void component(
        Observation observation, String loinc, String display, double value) {
      observation
          .addComponent()
          .setCode(new CodeableConcept().addCoding(new Coding(FhirSystems.LOINC, loinc, display)))
          .setValue(
              new Quantity()
                  .setValue(SampleContext.decimal(value))
                  .setUnit("mmHg")
                  .setSystem(FhirSystems.UCUM)
                  .setCode("mm[Hg]"));
    }

    private static CatalogueEntry memberEntry(SampleContext context, String type) {
      return context
          .catalogue
          .entry(Platform.HEALTHKIT, type)
          .orElseThrow(
              () ->
                  new SampleRejected(
                      RejectReason.UNKNOWN_TYPE, "catalogue lacks blood pressure member " + type));
    }

    private static HkCorrelationMember member(
        HkCorrelation body, String type, CatalogueEntry panel) {
      for (HkCorrelationMember member : body.getMembers()) {
        if (type.equals(member.getType())) {
          return member;
        }
      }
      throw new SampleRejected(
          RejectReason.INVALID_SHAPE, panel.platformCode() + " lacks member " + type);
    }

    static HcMeasurement field(
        List<HcMeasurement> measurements, String name, CatalogueEntry entry) {
      for (HcMeasurement measurement : measurements) {
        if (name.equals(measurement.getField())) {
          return measurement;
        }
      }
      throw new SampleRejected(
          RejectReason.INVALID_SHAPE, entry.platformCode() + " lacks field " + name);
    }
  }

  /**
   * HealthKit food correlation: panel 80453-4 whose hasMember point at the nutrient Observations.
   * HealthKit also exports every member as a top-level sample, and member ids are deterministic, so
   * the references resolve to the Observations those samples become; the panel does not copy their
   * values.
   */
  static final class FoodShape implements ObservationShape {
    @Override
    public void build(SampleContext context, List<CatalogueEntry> entries) {
      CatalogueEntry entry = entries.get(0);
      HkCorrelation body = Quantities.body(context, HkCorrelation.class, entry);
      if (body.getMembers().isEmpty()) {
        throw new SampleRejected(
            RejectReason.INVALID_SHAPE, entry.platformCode() + " has no members");
      }
      Observation observation = context.observation(entry, null);
      context.effective(observation);
      for (HkCorrelationMember member : body.getMembers()) {
        CatalogueEntry memberEntry =
            context
                .catalogue
                .entry(Platform.HEALTHKIT, member.getType())
                .orElseThrow(
                    () ->
                        new SampleRejected(
                            RejectReason.UNKNOWN_TYPE,
                            entry.platformCode() + " member type not in catalogue"));
        Quantities.convert(memberEntry, member.getValue(), member.getUnit());
        if (member.getRecordId() == null || member.getRecordId().isBlank()) {
          throw new SampleRejected(
              RejectReason.MISSING_ID, entry.platformCode() + " member lacks a record id");
        }
        observation.addHasMember(
            new Reference(
                "Observation/"
                    + ResourceIds.observation(
                        context.tenant,
                        context.sample.getUserId(),
                        Platform.HEALTHKIT.name(),
                        member.getRecordId(),
                        null)));
      }
    }
  }

  /**
   * HealthKit workout: exercise activity 73985-4 valued with the activity type; the duration and
   * each total (energy, distance, strokes, flights) become components coded and converted by their
   * own quantity rows.
   */
  static final class WorkoutShape implements ObservationShape {
    static final String EXERCISE_DURATION_LOINC = "55411-3";

    @Override
    public void build(SampleContext context, List<CatalogueEntry> entries) {
      CatalogueEntry entry = entries.get(0);
      HkWorkout body = Quantities.body(context, HkWorkout.class, entry);
      if (body.getActivityType() == null || body.getActivityType().isBlank()) {
        throw new SampleRejected(
            RejectReason.INVALID_SHAPE, entry.platformCode() + " lacks an activity type");
      }
      Observation observation = context.observation(entry, null);
      context.effective(observation);
      observation.setValue(
          new CodeableConcept().addCoding(context.platformCoding(body.getActivityType())));
      Double seconds = body.getDurationSeconds();
      if (seconds != null) {
        if (!Double.isFinite(seconds) || seconds < 0) {
          throw new SampleRejected(
              seconds < 0 ? RejectReason.OUT_OF_RANGE : RejectReason.NOT_FINITE,
              entry.platformCode() + " duration");
        }
        observation
            .addComponent()
            .setCode(
                new CodeableConcept()
                    .addCoding(
                        new Coding(
                            FhirSystems.LOINC, EXERCISE_DURATION_LOINC, "Exercise duration")))
            .setValue(
                new org.hl7.fhir.r4.model.Quantity()
                    .setValue(SampleContext.decimal(Math.round(seconds / 60.0 * 1000) / 1000.0))
                    .setUnit("min")
                    .setSystem(FhirSystems.UCUM)
                    .setCode("min"));
      }
      for (HkWorkoutStatistic statistic : body.getTotals()) {
        CatalogueEntry total =
            context
                .catalogue
                .entry(Platform.HEALTHKIT, statistic.getType())
                .orElseThrow(
                    () ->
                        new SampleRejected(
                            RejectReason.UNKNOWN_TYPE,
                            entry.platformCode() + " statistic type not in catalogue"));
        Double raw = firstPresent(statistic);
        if (raw == null || total.ucum() == null) {
          continue;
        }
        double value = Quantities.convert(total, raw, statistic.getUnit());
        CodeableConcept code = new CodeableConcept();
        if (total.loinc() != null) {
          code.addCoding(new Coding(FhirSystems.LOINC, total.loinc(), total.loincDisplay()));
        }
        code.addCoding(context.platformCoding(total.type()));
        observation.addComponent().setCode(code).setValue(SampleContext.quantity(total, value));
      }
    }

    /** A total if HealthKit gave one, else the average, else the maximum, else the minimum. */
    private static Double firstPresent(HkWorkoutStatistic statistic) {
      if (statistic.getSum() != null) {
        return statistic.getSum();
      }
      if (statistic.getAverage() != null) {
        return statistic.getAverage();
      }
      return statistic.getMaximum() != null ? statistic.getMaximum() : statistic.getMinimum();
    }
  }

  /**
   * Health Connect record fields with one value each (WeightRecord.weight, StepsRecord.count, the
   * 42 nutrients of NutritionRecord): one Observation per field present. The record's integer-coded
   * fields (measurement location, specimen, meal) become components of each. A record with several
   * rows gets one id per field.
   */
  static final class MeasurementShape implements ObservationShape {
    @Override
    public void build(SampleContext context, List<CatalogueEntry> entries) {
      List<HcMeasurement> measurements = HcRecords.measurements(context, entries.get(0));
      boolean severalRows =
          context.catalogue.entries(context.sample.getPlatform(), context.sample.getType()).size()
              > 1;
      Set<String> codedFields = codedFields(context);
      for (CatalogueEntry entry : entries) {
        HcMeasurement measurement = HcRecords.find(measurements, entry.field());
        if (measurement == null) {
          continue;
        }
        double value = Quantities.convert(entry, measurement.getValue(), measurement.getUnit());
        CodedValue specimen = specimen(context, entry);
        Observation observation =
            context.observation(
                entry,
                severalRows ? entry.field() : null,
                specimen == null ? entry.loinc() : specimen.loinc(),
                specimen == null ? entry.loincDisplay() : specimen.loincDisplay(),
                entry.platformCode());
        context.effective(observation);
        observation.setValue(SampleContext.quantity(entry, value));
        HcEnums.addComponents(
            context, observation, entry.type(), HcRecords.enums(context), codedFields);
        context.metric(entry, value, context.sample.getStartTime());
      }
    }

    /** Fields that CODED rows of the same record turn into Observations of their own. */
    private static Set<String> codedFields(SampleContext context) {
      Set<String> fields = new HashSet<>();
      for (CatalogueEntry entry :
          context.catalogue.entries(context.sample.getPlatform(), context.sample.getType())) {
        if (entry.kind() == ValueKind.CODED) {
          fields.add(entry.field());
        }
      }
      return fields;
    }

    /**
     * The entry's value set, when it has one, selects a more specific LOINC code by an enum value
     * of the record, e.g. BloodGlucoseRecord.specimenSource: interstitial fluid 99504-3 rather than
     * capillary blood 41653-7.
     */
    private static CodedValue specimen(SampleContext context, CatalogueEntry entry) {
      if (entry.valueSet() == null) {
        return null;
      }
      String field = entry.valueSet().substring(entry.valueSet().indexOf('.') + 1);
      Integer value = HcRecords.enums(context).get(field);
      if (value == null) {
        return null;
      }
      CodedValue coded = context.catalogue.codedValue(entry.valueSet(), value).orElse(null);
      return coded == null || coded.loinc() == null ? null : coded;
    }
  }

  /**
   * Health Connect series record (HeartRateRecord, SpeedRecord, PowerRecord, cadence, skin
   * temperature deltas): one Observation per sample, id from the record id and the sample time,
   * effectiveDateTime at the sample time. Samples outside the record's interval are a broken record
   * and reject it.
   */
  static final class SeriesShape implements ObservationShape {
    @Override
    public void build(SampleContext context, List<CatalogueEntry> entries) {
      CatalogueEntry entry = entries.get(0);
      HcSeries body = Quantities.body(context, HcSeries.class, entry);
      if (body.getSamples().isEmpty()) {
        throw new SampleRejected(
            RejectReason.INVALID_SHAPE, entry.platformCode() + " has no samples");
      }
      Instant start = context.sample.getStartTime();
      Instant end = context.sample.getEndTime();
      for (HcSeriesSample sample : body.getSamples()) {
        Instant time = sample.getTime();
        if (time.isBefore(start) || time.isAfter(end)) {
          throw new SampleRejected(
              RejectReason.INVALID_SHAPE, entry.platformCode() + " sample outside the record");
        }
        double value = Quantities.convert(entry, sample.getValue(), sample.getUnit());
        Observation observation = context.observation(entry, Long.toString(time.toEpochMilli()));
        context.effective(
            observation,
            time,
            time,
            context.sample.getStartZoneOffsetSeconds(),
            context.sample.getStartZoneOffsetSeconds());
        observation.setValue(SampleContext.quantity(entry, value));
        HcEnums.addComponents(context, observation, entry.type(), body.getEnums(), Set.of());
        context.metric(entry, value, time);
      }
    }
  }

  /**
   * Health Connect sleep session: a session Observation (sleep duration 93832-4, minutes asleep)
   * whose hasMember point at one Observation per stage, coded by stage (deep 93831-6, light
   * 93830-8, REM 93829-0, ...). Without stages the whole session counts as asleep. Stages must lie
   * inside the session.
   */
  static final class SleepSessionShape implements ObservationShape {
    static final String STAGE_VALUE_SET = "SleepSessionRecord.stage";

    /**
     * HcStage.kind of a sleep stage (null also means a sleep stage: the field came with schema
     * version 2).
     */
    private static final String SLEEP_STAGE_KIND = "sleepStage";

    /** Stage values that count as asleep: sleeping, light, deep, REM. */
    private static final List<Integer> ASLEEP = List.of(2, 4, 5, 6);

    @Override
    public void build(SampleContext context, List<CatalogueEntry> entries) {
      CatalogueEntry entry = entries.get(0);
      HcInterval body = Quantities.body(context, HcInterval.class, entry);
      Instant start = context.sample.getStartTime();
      Instant end = context.sample.getEndTime();
      Observation session = context.observation(entry, null);
      context.effective(session);
      long asleepMillis =
          body.getStages().isEmpty() ? end.toEpochMilli() - start.toEpochMilli() : 0;
      List<Observation> stages = new ArrayList<>();
      for (HcStage stage : body.getStages()) {
        if (stage.getKind() != null && !SLEEP_STAGE_KIND.equals(stage.getKind())) {
          continue;
        }
        if (stage.getStartTime().isBefore(start)
            || stage.getEndTime().isAfter(end)
            || stage.getEndTime().isBefore(stage.getStartTime())) {
          throw new SampleRejected(
              RejectReason.INVALID_SHAPE, entry.platformCode() + " stage outside the session");
        }
        CodedValue coded =
            context
                .catalogue
                .codedValue(STAGE_VALUE_SET, stage.getStage())
                .orElseThrow(
                    () ->
                        new SampleRejected(
                            RejectReason.INVALID_SHAPE,
                            entry.platformCode() + " stage is not in " + STAGE_VALUE_SET));
        if (ASLEEP.contains(stage.getStage())) {
          asleepMillis += stage.getEndTime().toEpochMilli() - stage.getStartTime().toEpochMilli();
        }
        Observation member =
            context.observation(
                entry,
                "stage/" + stage.getStartTime().toEpochMilli(),
                coded.loinc(),
                coded.loincDisplay(),
                "SleepSessionRecord." + coded.code());
        context.effective(
            member,
            stage.getStartTime(),
            stage.getEndTime(),
            context.sample.getStartZoneOffsetSeconds(),
            context.sample.getEndZoneOffsetSeconds());
        BigDecimal stageMinutes = SampleContext.minutes(stage.getStartTime(), stage.getEndTime());
        member.setValue(minutes(entry, stageMinutes));
        stages.add(member);
        if (ASLEEP.contains(stage.getStage())) {
          context.sleepMetric(coded.loinc(), stageMinutes, stage.getStartTime());
        }
      }
      BigDecimal asleep = SampleContext.minutes(Instant.EPOCH, Instant.ofEpochMilli(asleepMillis));
      session.setValue(minutes(entry, asleep));
      if (body.getStages().isEmpty()) {
        // A session without stages counts whole as asleep, as its own value does.
        context.sleepMetric(entry.loinc(), asleep, start);
      }
      for (Observation member : stages) {
        session.addHasMember(new Reference("Observation/" + member.getIdElement().getIdPart()));
      }
      context.metric(entry, asleep.doubleValue(), start);
    }

    private static Quantity minutes(CatalogueEntry entry, BigDecimal minutes) {
      return new Quantity()
          .setValue(minutes)
          .setUnit(entry.unit())
          .setSystem(FhirSystems.UCUM)
          .setCode(entry.ucum());
    }
  }

  /**
   * Health Connect exercise session (and planned session): exercise activity 73985-4 valued with
   * the exercise type constant; the session length is a component. Record fields with a row of
   * their own (rate of perceived exertion) become Observations through their MEASUREMENT rows.
   */
  static final class ExerciseSessionShape implements ObservationShape {
    @Override
    public void build(SampleContext context, List<CatalogueEntry> entries) {
      CatalogueEntry entry = entries.get(0);
      HcInterval body = Quantities.body(context, HcInterval.class, entry);
      Map<String, Integer> enums = body.getEnums();
      Integer exerciseType = enums.get("exerciseType");
      if (exerciseType == null) {
        throw new SampleRejected(
            RejectReason.INVALID_SHAPE, entry.platformCode() + " lacks exerciseType");
      }
      Observation observation = context.observation(entry, null);
      context.effective(observation);
      CodedValue coded = context.catalogue.codedValue(entry.valueSet(), exerciseType).orElse(null);
      if (coded == null) {
        observation.setValue(new IntegerType(exerciseType));
      } else {
        observation.setValue(HcEnums.codeableConcept(context, coded));
      }
      observation
          .addComponent()
          .setCode(
              new CodeableConcept()
                  .addCoding(
                      new Coding(
                          FhirSystems.LOINC,
                          WorkoutShape.EXERCISE_DURATION_LOINC,
                          "Exercise duration")))
          .setValue(
              new Quantity()
                  .setValue(
                      SampleContext.minutes(
                          context.sample.getStartTime(), context.sample.getEndTime()))
                  .setUnit("min")
                  .setSystem(FhirSystems.UCUM)
                  .setCode("min"));
      HcEnums.addComponents(context, observation, entry.type(), enums, Set.of("exerciseType"));
    }
  }

  /**
   * Health Connect integer-coded value (MenstruationFlowRecord.flow, OvulationTestRecord.result,
   * CervicalMucusRecord.appearance, ...): valueCodeableConcept with the constant from codes.tsv. A
   * record with two coded rows gives two Observations; its other coded fields become components.
   */
  static final class CodedShape implements ObservationShape {
    @Override
    public void build(SampleContext context, List<CatalogueEntry> entries) {
      Map<String, Integer> enums = HcRecords.enums(context);
      boolean severalRows =
          context.catalogue.entries(context.sample.getPlatform(), context.sample.getType()).size()
              > 1;
      Set<String> ownFields = new HashSet<>();
      entries.forEach(e -> ownFields.add(e.field()));
      for (CatalogueEntry entry : entries) {
        Integer value = enums.get(entry.field());
        if (value == null) {
          continue;
        }
        Observation observation = context.observation(entry, severalRows ? entry.field() : null);
        context.effective(observation);
        CodedValue coded =
            context.catalogue.codedValue(entry.type() + "." + entry.field(), value).orElse(null);
        observation.setValue(
            coded == null ? new IntegerType(value) : HcEnums.codeableConcept(context, coded));
        HcEnums.addComponents(context, observation, entry.type(), enums, ownFields);
      }
    }
  }

  /**
   * Health Connect record without a value (IntermenstrualBleedingRecord, MenstruationPeriodRecord):
   * the Observation's code and effective time are the whole statement; R4 allows an Observation
   * without value[x].
   */
  static final class EventShape implements ObservationShape {
    @Override
    public void build(SampleContext context, List<CatalogueEntry> entries) {
      CatalogueEntry entry = entries.get(0);
      Observation observation = context.observation(entry, null);
      context.effective(observation);
      HcEnums.addComponents(context, observation, entry.type(), HcRecords.enums(context), Set.of());
    }
  }

  /**
   * Health Connect integer-coded context fields: {@code measurementLocation} becomes bodySite,
   * {@code measurementMethod} method, {@code bodyPosition} the R4 core extension
   * observation-bodyPosition, anything else (specimen, meal) a component with code {@code
   * Record.field}. Values are the constants from codes.tsv; a value or field codes.tsv does not
   * know becomes valueInteger, so nothing the phone sent is lost. (The vital-signs profiles bind
   * component values to UCUM units, so coded context cannot be a component there.)
   */
  static final class HcEnums {
    static final String BODY_POSITION_EXTENSION =
        "http://hl7.org/fhir/StructureDefinition/observation-bodyPosition";
    private static final String MEASUREMENT_LOCATION = "measurementLocation";
    private static final String MEASUREMENT_METHOD = "measurementMethod";
    private static final String BODY_POSITION = "bodyPosition";

    private HcEnums() {}

    static void addComponents(
        SampleContext context,
        Observation observation,
        String type,
        Map<String, Integer> enums,
        Set<String> skip) {
      if (enums == null || enums.isEmpty()) {
        return;
      }
      // Sorted so that the same enums give the same bytes whatever order the map arrived in.
      for (Map.Entry<String, Integer> field : new TreeMap<>(enums).entrySet()) {
        if (skip.contains(field.getKey()) || field.getValue() == null) {
          continue;
        }
        CodedValue coded =
            context
                .catalogue
                .codedValue(type + "." + field.getKey(), field.getValue())
                .orElse(null);
        if (coded != null && MEASUREMENT_LOCATION.equals(field.getKey())) {
          observation.setBodySite(codeableConcept(context, coded));
        } else if (coded != null && MEASUREMENT_METHOD.equals(field.getKey())) {
          observation.setMethod(codeableConcept(context, coded));
        } else if (coded != null && BODY_POSITION.equals(field.getKey())) {
          observation.addExtension(BODY_POSITION_EXTENSION, codeableConcept(context, coded));
        } else {
          Observation.ObservationComponentComponent component =
              observation
                  .addComponent()
                  .setCode(
                      new CodeableConcept()
                          .addCoding(context.platformCoding(type + "." + field.getKey())));
          component.setValue(
              coded == null ? new IntegerType(field.getValue()) : codeableConcept(context, coded));
        }
      }
    }

    static CodeableConcept codeableConcept(SampleContext context, CodedValue coded) {
      return new CodeableConcept()
          .addCoding(
              context
                  .platformCoding(
                      coded.valueSet().substring(0, coded.valueSet().indexOf('.') + 1)
                          + coded.code())
                  .setDisplay(coded.display()));
    }
  }

  /**
   * Read access to the parts that Health Connect instantaneous, interval and series bodies share.
   */
  static final class HcRecords {
    private HcRecords() {}

    static List<HcMeasurement> measurements(SampleContext context, CatalogueEntry entry) {
      Object body = context.sample.getBody();
      if (body instanceof HcInstantaneous record) {
        return record.getMeasurements();
      }
      if (body instanceof HcInterval record) {
        return record.getMeasurements();
      }
      if (body instanceof HcSeries record) {
        return record.getMeasurements();
      }
      throw new SampleRejected(
          RejectReason.INVALID_SHAPE, entry.platformCode() + " expects a Health Connect body");
    }

    static Map<String, Integer> enums(SampleContext context) {
      Object body = context.sample.getBody();
      if (body instanceof HcInstantaneous record) {
        return record.getEnums();
      }
      if (body instanceof HcInterval record) {
        return record.getEnums();
      }
      if (body instanceof HcSeries record) {
        return record.getEnums();
      }
      return Map.of();
    }

    static HcMeasurement find(List<HcMeasurement> measurements, String field) {
      for (HcMeasurement measurement : measurements) {
        if (field.equals(measurement.getField())) {
          return measurement;
        }
      }
      return null;
    }
  }

  /**
   * Unit conversion and range checks shared by the shapes; rejection details name types and units,
   * never values.
   */
  static final class Quantities {
    private Quantities() {}

    /**
     * The value converted into the entry's UCUM unit, after checking it is finite, convertible and
     * in range.
     */
    static double convert(CatalogueEntry entry, double value, String unit) {
      if (!Double.isFinite(value)) {
        throw new SampleRejected(
            RejectReason.NOT_FINITE, entry.platformCode() + " value is not finite");
      }
      UnitConversion conversion = unit == null ? null : entry.sourceUnits().get(unit);
      if (conversion == null) {
        throw new SampleRejected(
            RejectReason.UNCONVERTIBLE_UNIT,
            entry.platformCode()
                + " does not accept unit '"
                + SampleRejected.printable(unit)
                + "'");
      }
      double converted = conversion.apply(value);
      // A finite value can overflow in conversion (1e308 lb in kg): that is out of range too.
      if (!Double.isFinite(converted) || !entry.inRange(converted)) {
        throw new SampleRejected(
            RejectReason.OUT_OF_RANGE,
            entry.platformCode()
                + " value outside ["
                + entry.min()
                + ", "
                + entry.max()
                + "] "
                + entry.ucum());
      }
      return converted;
    }

    static <T> T body(SampleContext context, Class<T> type, CatalogueEntry entry) {
      Object body = context.sample.getBody();
      if (!type.isInstance(body)) {
        throw new SampleRejected(
            RejectReason.INVALID_SHAPE,
            entry.platformCode()
                + " expects a "
                + type.getSimpleName()
                + " body, got "
                + (body == null ? "none" : body.getClass().getSimpleName()));
      }
      return type.cast(body);
    }
  }

  /**
   * Writes the Observation, Patient and Device resources the mapper builds as compact FHIR JSON,
   * byte for byte what HAPI's {@code JsonParser.encodeResourceToString} writes for them (same
   * element order, same Jackson escaping, decimals as BigDecimal text). Hand-written for speed:
   * HAPI's parser walks its reflective model and costs ~25 µs per Observation, this ~1-2 µs. It
   * covers exactly the elements the mapper sets and fails loudly on anything else;
   * FhirJsonEncoderTest proves equality with HAPI across the whole catalogue.
   */
  static final class FhirJsonEncoder {
    private static final JsonFactory JSON = new JsonFactory();

    private FhirJsonEncoder() {}

    static String observation(Observation observation) {
      return write(
          json -> {
            json.writeStringField("resourceType", "Observation");
            json.writeStringField("id", observation.getIdElement().getIdPart());
            meta(json, observation.getMeta());
            if (observation.hasExtension()) {
              json.writeArrayFieldStart("extension");
              for (Extension extension : observation.getExtension()) {
                json.writeStartObject();
                json.writeStringField("url", extension.getUrl());
                value(json, "value", extension.getValue());
                json.writeEndObject();
              }
              json.writeEndArray();
            }
            identifiers(json, observation.getIdentifier());
            json.writeStringField("status", observation.getStatus().toCode());
            if (observation.hasCategory()) {
              json.writeArrayFieldStart("category");
              for (CodeableConcept category : observation.getCategory()) {
                codeableConcept(json, category);
              }
              json.writeEndArray();
            }
            json.writeFieldName("code");
            codeableConcept(json, observation.getCode());
            reference(json, "subject", observation.getSubject());
            if (observation.hasEffective()) {
              value(json, "effective", observation.getEffective());
            }
            if (observation.hasValue()) {
              value(json, "value", observation.getValue());
            }
            if (observation.hasBodySite()) {
              json.writeFieldName("bodySite");
              codeableConcept(json, observation.getBodySite());
            }
            if (observation.hasMethod()) {
              json.writeFieldName("method");
              codeableConcept(json, observation.getMethod());
            }
            if (observation.hasDevice()) {
              reference(json, "device", observation.getDevice());
            }
            if (observation.hasHasMember()) {
              json.writeArrayFieldStart("hasMember");
              for (Reference member : observation.getHasMember()) {
                json.writeStartObject();
                json.writeStringField("reference", member.getReference());
                json.writeEndObject();
              }
              json.writeEndArray();
            }
            if (observation.hasComponent()) {
              json.writeArrayFieldStart("component");
              for (Observation.ObservationComponentComponent component :
                  observation.getComponent()) {
                json.writeStartObject();
                json.writeFieldName("code");
                codeableConcept(json, component.getCode());
                if (component.hasValue()) {
                  value(json, "value", component.getValue());
                }
                json.writeEndObject();
              }
              json.writeEndArray();
            }
          });
    }

    static String patient(Patient patient) {
      return write(
          json -> {
            json.writeStringField("resourceType", "Patient");
            json.writeStringField("id", patient.getIdElement().getIdPart());
            meta(json, patient.getMeta());
            identifiers(json, patient.getIdentifier());
          });
    }

    static String device(Device device) {
      return write(
          json -> {
            json.writeStringField("resourceType", "Device");
            json.writeStringField("id", device.getIdElement().getIdPart());
            meta(json, device.getMeta());
            identifiers(json, device.getIdentifier());
            if (device.hasManufacturer()) {
              json.writeStringField("manufacturer", device.getManufacturer());
            }
            if (device.hasDeviceName()) {
              json.writeArrayFieldStart("deviceName");
              for (Device.DeviceDeviceNameComponent name : device.getDeviceName()) {
                json.writeStartObject();
                json.writeStringField("name", name.getName());
                json.writeStringField("type", name.getType().toCode());
                json.writeEndObject();
              }
              json.writeEndArray();
            }
            if (device.hasModelNumber()) {
              json.writeStringField("modelNumber", device.getModelNumber());
            }
            if (device.hasType()) {
              json.writeFieldName("type");
              codeableConcept(json, device.getType());
            }
            if (device.hasVersion()) {
              json.writeArrayFieldStart("version");
              for (Device.DeviceVersionComponent version : device.getVersion()) {
                json.writeStartObject();
                if (version.hasType()) {
                  json.writeFieldName("type");
                  codeableConcept(json, version.getType());
                }
                json.writeStringField("value", version.getValue());
                json.writeEndObject();
              }
              json.writeEndArray();
            }
          });
    }

    private interface Body {
      void write(JsonGenerator json) throws IOException;
    }

    private static String write(Body body) {
      // SegmentedStringWriter on the factory's recycled buffers, as ObjectMapper.writeValueAsString
      // does.
      SegmentedStringWriter out = new SegmentedStringWriter(JSON._getBufferRecycler());
      try {
        try (JsonGenerator json = JSON.createGenerator(out)) {
          json.writeStartObject();
          body.write(json);
          json.writeEndObject();
        }
        return out.getAndClear();
      } catch (IOException e) {
        throw new UncheckedIOException("writing to memory cannot fail", e);
      }
    }

    private static void meta(JsonGenerator json, Meta meta) throws IOException {
      if (meta.isEmpty()) {
        return;
      }
      json.writeObjectFieldStart("meta");
      if (meta.hasVersionId()) {
        json.writeStringField("versionId", meta.getVersionId());
      }
      if (meta.hasLastUpdated()) {
        json.writeStringField("lastUpdated", meta.getLastUpdatedElement().getValueAsString());
      }
      if (meta.hasSource()) {
        json.writeStringField("source", meta.getSource());
      }
      if (meta.hasProfile()) {
        json.writeArrayFieldStart("profile");
        for (UriType profile : meta.getProfile()) {
          json.writeString(profile.getValueAsString());
        }
        json.writeEndArray();
      }
      if (meta.hasTag()) {
        json.writeArrayFieldStart("tag");
        for (Coding tag : meta.getTag()) {
          coding(json, tag);
        }
        json.writeEndArray();
      }
      json.writeEndObject();
    }

    private static void identifiers(JsonGenerator json, List<Identifier> identifiers)
        throws IOException {
      if (identifiers.isEmpty()) {
        return;
      }
      json.writeArrayFieldStart("identifier");
      for (Identifier identifier : identifiers) {
        json.writeStartObject();
        json.writeStringField("system", identifier.getSystem());
        json.writeStringField("value", identifier.getValue());
        json.writeEndObject();
      }
      json.writeEndArray();
    }

    private static void codeableConcept(JsonGenerator json, CodeableConcept concept)
        throws IOException {
      json.writeStartObject();
      if (concept.hasCoding()) {
        json.writeArrayFieldStart("coding");
        for (Coding coding : concept.getCoding()) {
          coding(json, coding);
        }
        json.writeEndArray();
      }
      if (concept.hasText()) {
        json.writeStringField("text", concept.getText());
      }
      json.writeEndObject();
    }

    private static void coding(JsonGenerator json, Coding coding) throws IOException {
      json.writeStartObject();
      if (coding.hasSystem()) {
        json.writeStringField("system", coding.getSystem());
      }
      if (coding.hasCode()) {
        json.writeStringField("code", coding.getCode());
      }
      if (coding.hasDisplay()) {
        json.writeStringField("display", coding.getDisplay());
      }
      json.writeEndObject();
    }

    private static void reference(JsonGenerator json, String name, Reference reference)
        throws IOException {
      json.writeObjectFieldStart(name);
      json.writeStringField("reference", reference.getReference());
      json.writeEndObject();
    }

    private static void value(JsonGenerator json, String prefix, Type value) throws IOException {
      if (value instanceof Quantity quantity) {
        json.writeObjectFieldStart(prefix + "Quantity");
        json.writeFieldName("value");
        json.writeNumber(quantity.getValue());
        if (quantity.hasUnit()) {
          json.writeStringField("unit", quantity.getUnit());
        }
        json.writeStringField("system", quantity.getSystem());
        json.writeStringField("code", quantity.getCode());
        json.writeEndObject();
      } else if (value instanceof CodeableConcept concept) {
        json.writeFieldName(prefix + "CodeableConcept");
        codeableConcept(json, concept);
      } else if (value instanceof DateTimeType dateTime) {
        json.writeStringField(prefix + "DateTime", dateTime.getValueAsString());
      } else if (value instanceof Period period) {
        json.writeObjectFieldStart(prefix + "Period");
        json.writeStringField("start", period.getStartElement().getValueAsString());
        json.writeStringField("end", period.getEndElement().getValueAsString());
        json.writeEndObject();
      } else if (value instanceof IntegerType integer) {
        json.writeFieldName(prefix + "Integer");
        json.writeNumber(integer.getValue());
      } else if (value instanceof StringType string) {
        json.writeStringField(prefix + "String", string.getValue());
      } else {
        throw new IllegalStateException(
            "encoder does not cover " + prefix + "[x] of type " + value.fhirType());
      }
    }
  }
}

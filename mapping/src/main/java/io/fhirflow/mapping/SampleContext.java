package io.fhirflow.mapping;

import io.fhirflow.contracts.FhirSystems;
import io.fhirflow.schema.Platform;
import io.fhirflow.schema.RecordVersion;
import io.fhirflow.schema.WearableSample;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Everything the shape mappers share while mapping one sample: the common Observation skeleton (id,
 * meta, identifier, status, category, code, subject, device, effective[x]) and the collected
 * results.
 */
final class SampleContext {
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

  final String tenant;
  final WearableSample sample;
  final MappingCatalogue catalogue;
  private final EntryFragments fragments;
  private final boolean amended;
  private final FhirResource patient;
  private final String patientReference;
  private final FhirResource device;
  private final String deviceReference;
  private final String versionId;

  /** meta.lastUpdated, formatted once per sample and shared by its Observations. */
  private final String lastUpdated;

  private final String source;
  private final ZoneId zone;
  final List<ObservationDraft> observations = new ArrayList<>(2);
  final List<MetricPoint> metrics = new ArrayList<>(1);

  SampleContext(
      String tenant,
      WearableSample sample,
      MappingCatalogue catalogue,
      EntryFragments fragments,
      boolean amended,
      FhirMapper.Known patient,
      FhirMapper.Known device) {
    this.tenant = tenant;
    this.sample = sample;
    this.catalogue = catalogue;
    this.fragments = fragments;
    this.amended = amended;
    this.patient = patient.resource();
    this.patientReference = patient.reference();
    this.device = device == null ? null : device.resource();
    this.deviceReference = device == null ? null : device.reference();
    this.versionId = versionId(sample.getVersion());
    this.lastUpdated = FhirDateTimes.instant(lastUpdated(sample));
    this.source = metaSource(sample);
    this.zone = zoneOf(sample);
  }

  /** clientRecordVersion, else syncVersion, else 0: what orders two versions of the same record. */
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
    String platform = sample.getPlatform() == Platform.HEALTHKIT ? "healthkit:" : "health-connect:";
    return FhirSystems.SOURCE_PREFIX
        + platform
        + (app == null || app.isBlank() ? "unknown" : uriSafe(app));
  }

  /**
   * Percent-encodes anything but unreserved URI characters; bundle ids and package names rarely
   * need it.
   */
  private static String uriSafe(String text) {
    // The common case, a bundle id or package name that needs nothing encoded, returns the text
    // itself: no byte copy and no builder per sample.
    if (isUnreserved(text)) {
      return text;
    }
    StringBuilder out = new StringBuilder(text.length());
    for (byte b : text.getBytes(java.nio.charset.StandardCharsets.UTF_8)) {
      char c = (char) (b & 0xff);
      if (isUnreserved(c)) {
        out.append(c);
      } else {
        out.append('%')
            .append(Character.toUpperCase(Character.forDigit((b >> 4) & 0xf, 16)))
            .append(Character.toUpperCase(Character.forDigit(b & 0xf, 16)));
      }
    }
    return out.toString();
  }

  private static boolean isUnreserved(String text) {
    for (int i = 0; i < text.length(); i++) {
      if (!isUnreserved(text.charAt(i))) {
        return false;
      }
    }
    return true;
  }

  /** RFC 3986's unreserved characters, ASCII only. */
  private static boolean isUnreserved(char c) {
    return (c >= 'a' && c <= 'z')
        || (c >= 'A' && c <= 'Z')
        || (c >= '0' && c <= '9')
        || c == '.'
        || c == '-'
        || c == '_'
        || c == '~';
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
        // An unknown zone name is not worth rejecting the sample: the offset below is still right.
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

  /** meta.versionId of every Observation of the sample. */
  String versionId() {
    return versionId;
  }

  /** meta.lastUpdated of every Observation of the sample. */
  String lastUpdated() {
    return lastUpdated;
  }

  /** meta.source of every Observation of the sample. */
  String source() {
    return source;
  }

  /** Observation.status: {@code amended} for a newer version of a record, else {@code final}. */
  String status() {
    return amended ? "amended" : "final";
  }

  String patientReference() {
    return patientReference;
  }

  /** The Device's reference, or null when the sample names no device. */
  String deviceReference() {
    return deviceReference;
  }

  /** The user's Device that measured, or null when the sample names no device. */
  FhirResource device() {
    return device;
  }

  /**
   * The catalogue's entry of HealthKit type {@code type}, which a correlation or workout names
   * inside the sample; the sample is rejected as {@link RejectReason#UNKNOWN_TYPE} with {@code
   * detail} when the catalogue has none.
   */
  CatalogueEntry healthKitEntry(String type, Supplier<String> detail) {
    return catalogue
        .entry(Platform.HEALTHKIT, type)
        .orElseThrow(() -> new SampleRejected(RejectReason.UNKNOWN_TYPE, detail.get()));
  }

  /**
   * A new Observation coded as the entry says, added to the results; see the five-argument form.
   */
  ObservationDraft observation(CatalogueEntry entry, String part) {
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
  ObservationDraft observation(
      CatalogueEntry entry, String part, String loinc, String loincDisplay, String platformCode) {
    boolean entryCode = java.util.Objects.equals(loinc, entry.loinc());
    String recordId = sample.getRecordId();
    ObservationDraft observation =
        new ObservationDraft(
            ResourceIds.observation(
                tenant, sample.getUserId(), sample.getPlatform().name(), recordId, part));
    if (entry.profileUrl() != null && entryCode) {
      observation.profile = entry.profileUrl();
    }
    boolean healthKit = sample.getPlatform() == Platform.HEALTHKIT;
    observation.identifiers.add(
        new ObservationDraft.Identifier(
            healthKit ? FhirSystems.SID_HEALTHKIT_UUID : FhirSystems.SID_HEALTH_CONNECT_ID,
            part == null ? recordId : recordId + "/" + part));
    RecordVersion version = sample.getVersion();
    if (!healthKit && version != null && version.getClientRecordId() != null && part == null) {
      String app = sample.getSource() == null ? null : sample.getSource().getBundleId();
      observation.identifiers.add(
          new ObservationDraft.Identifier(
              FhirSystems.SID_HEALTH_CONNECT_CLIENT_ID,
              (app == null ? "" : app) + ":" + version.getClientRecordId()));
    }
    observation.categoryJson = fragments.category(entry);
    if (entryCode
        && java.util.Objects.equals(loincDisplay, entry.loincDisplay())
        && java.util.Objects.equals(platformCode, entry.platformCode())
        && entry.platform() == sample.getPlatform()) {
      observation.codeJson = fragments.defaultCode(entry);
    } else {
      observation.code = EntryFragments.codeConcept(entry, loinc, loincDisplay, platformCode);
    }
    observations.add(observation);
    return observation;
  }

  ObservationDraft.Coding platformCoding(String code) {
    return platformCoding(code, null);
  }

  ObservationDraft.Coding platformCoding(String code, String display) {
    return new ObservationDraft.Coding(
        sample.getPlatform() == Platform.HEALTHKIT
            ? FhirSystems.HEALTHKIT
            : FhirSystems.HEALTH_CONNECT,
        code,
        display);
  }

  void effective(
      ObservationDraft observation,
      Instant start,
      Instant end,
      Integer startOffset,
      Integer endOffset) {
    if (start.equals(end)) {
      observation.effectiveDateTime = dateTime(start, startOffset);
    } else {
      observation.effectiveStart = dateTime(start, startOffset);
      observation.effectiveEnd = dateTime(end, endOffset != null ? endOffset : startOffset);
      // The R4 vital-signs invariant vs-1 ("($this as dateTime).toString().length() >= 8") fails on
      // a Period in HAPI's validator, so an interval (e.g. an iOS 8 daily heart-rate average) keeps
      // its true period and its vital-signs category but does not claim the profile.
      observation.profile = null;
    }
  }

  /** effective[x] from the sample's own start and end. */
  void effective(ObservationDraft observation) {
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
  String dateTime(Instant instant, Integer offsetSeconds) {
    ZoneOffset offset =
        sample.getTimeZone() != null || offsetSeconds == null
            ? zone.getRules().getOffset(instant)
            : ZoneOffset.ofTotalSeconds(offsetSeconds);
    return FhirDateTimes.dateTime(instant, offset);
  }

  /** A UCUM quantity in the entry's unit. */
  static ObservationDraft.Quantity quantity(CatalogueEntry entry, double value) {
    return quantity(entry, decimal(value));
  }

  static ObservationDraft.Quantity quantity(CatalogueEntry entry, BigDecimal value) {
    return new ObservationDraft.Quantity(value, entry.unit(), FhirSystems.UCUM, entry.ucum());
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
   * A metric point under an explicit name, for a row that yields several metrics (blood pressure).
   */
  void metric(String name, MetricKind kind, double value, String unit, Instant time) {
    metrics.add(new MetricPoint(name, kind, value, unit, time, zone, lastObservationId()));
  }

  /**
   * Minutes asleep in one stage, for the sleep summaries: metric {@code sleep:<stage LOINC>} of
   * kind {@link MetricKind#DURATION}, carried by the Observation built last. Stages without a LOINC
   * code (in bed, awake) give none.
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
    return observations.isEmpty() ? null : observations.get(observations.size() - 1).id;
  }
}

package io.fhirflow.applehealth;

import io.fhirflow.applehealth.ConvertedElement.Rejected;
import io.fhirflow.applehealth.ConvertedElement.Sample;
import io.fhirflow.applehealth.ConvertedElement.Skipped;
import io.fhirflow.applehealth.HkCategoryValues.CategoryValue;
import io.fhirflow.schema.HkCategory;
import io.fhirflow.schema.HkCorrelation;
import io.fhirflow.schema.HkCorrelationMember;
import io.fhirflow.schema.HkQuantity;
import io.fhirflow.schema.HkSeriesPoint;
import io.fhirflow.schema.HkWorkout;
import io.fhirflow.schema.HkWorkoutActivity;
import io.fhirflow.schema.HkWorkoutEvent;
import io.fhirflow.schema.HkWorkoutStatistic;
import io.fhirflow.schema.Platform;
import io.fhirflow.schema.RecordVersion;
import io.fhirflow.schema.RecordingMethod;
import io.fhirflow.schema.RoutePoint;
import io.fhirflow.schema.Source;
import io.fhirflow.schema.WearableSample;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Turns parsed export elements into HealthKit {@link WearableSample}s: {@code Record} (quantity and
 * category samples, sleep analysis included), {@code Correlation} with its member records, and
 * {@code Workout} with its statistics and events. Everything the phone wrote that has no field of
 * its own goes to {@code metadata} verbatim (MetadataEntry keys, legacy extra attributes such as
 * {@code min}/{@code max}/{@code average}), so nothing is lost.
 */
final class ExportElementConverter {

  static final String HK_TIME_ZONE = "HKTimeZone";
  static final String HK_WAS_USER_ENTERED = "HKWasUserEntered";
  static final String HK_SYNC_IDENTIFIER = "HKMetadataKeySyncIdentifier";
  static final String HK_SYNC_VERSION = "HKMetadataKeySyncVersion";

  /** Attributes that have a field of their own; any other attribute is carried in metadata. */
  private static final Set<String> RECORD_ATTRIBUTES =
      Set.of(
          "type",
          "sourceName",
          "source",
          "sourceVersion",
          "device",
          "unit",
          "creationDate",
          "startDate",
          "endDate",
          "value",
          "min",
          "max",
          "average",
          "recordCount");

  private static final Set<String> WORKOUT_ATTRIBUTES =
      Set.of(
          "workoutActivityType",
          "duration",
          "durationUnit",
          "totalDistance",
          "totalDistanceUnit",
          "totalEnergyBurned",
          "totalEnergyBurnedUnit",
          "sourceName",
          "source",
          "sourceVersion",
          "device",
          "creationDate",
          "startDate",
          "endDate");

  private final String userId;
  private final Instant receivedTime;

  ExportElementConverter(String userId, Instant receivedTime) {
    this.userId = userId;
    this.receivedTime = receivedTime;
  }

  /**
   * Converts one top-level element; a Record may yield more samples when records are nested in it.
   */
  List<ConvertedElement> convert(XmlElement element, long line) {
    List<ConvertedElement> out = new ArrayList<>(1);
    try {
      switch (element.name()) {
        case "Record" -> {
          out.add(new Sample(record(element)));
          // Hand-edited exports nest records in records; the DTD allows none, keep them anyway.
          element.children("Record").forEach(nested -> out.addAll(convert(nested, line)));
        }
        case "Correlation" -> out.add(new Sample(correlation(element)));
        case "Workout" -> out.add(new Sample(workout(element)));
        default -> out.add(new Skipped(element.name()));
      }
    } catch (InvalidElementException e) {
      out.add(0, new Rejected(element.name(), e.reason, e.getMessage(), line));
    }
    return out;
  }

  WearableSample record(XmlElement e) throws InvalidElementException {
    String type = required(e, "type");
    Map<String, String> metadata = metadata(e, RECORD_ATTRIBUTES);
    WearableSample.Builder sample = common(e, type, metadata);
    Object body;
    String valueText = e.attr("value");
    if (type.startsWith("HKCategoryTypeIdentifier")) {
      CategoryValue value = HkCategoryValues.of(type, valueText);
      body = HkCategory.newBuilder().setValue(value.value()).setValueLabel(value.label()).build();
    } else {
      if (valueText == null || valueText.isBlank()) {
        // iOS 8 heart rate from Sleep Cycle has only min/max/average (kept in metadata).
        valueText = e.attr("average");
      }
      if (valueText == null || valueText.isBlank()) {
        throw new InvalidElementException(
            ImportReason.MISSING_VALUE, "quantity record without value or average");
      }
      List<HkSeriesPoint> beats = List.of();
      XmlElement hrv = e.children("HeartRateVariabilityMetadataList").findFirst().orElse(null);
      if (hrv != null) {
        beats = HrvBeats.parse(hrv, date(e.attr("startDate"), "startDate"));
        if (beats == null) {
          beats = List.of();
          metadata.put(
              "HeartRateVariabilityMetadataList.InstantaneousBeatsPerMinute", rawBeats(hrv));
        }
      }
      body =
          HkQuantity.newBuilder()
              .setValue(number(valueText, "value"))
              .setUnit(orEmpty(e.attr("unit")))
              .setCount(optionalInt(e.attr("recordCount"), "recordCount"))
              .setMinimum(optionalNumber(e.attr("min"), "min"))
              .setMaximum(optionalNumber(e.attr("max"), "max"))
              .setMostRecent(null)
              .setSeries(beats)
              .build();
    }
    sample.setBody(body);
    sample.setRecordId(recordId(e, type, sample, valueText, e.attr("unit")));
    return sample.build();
  }

  private WearableSample correlation(XmlElement e) throws InvalidElementException {
    String type = required(e, "type");
    WearableSample.Builder sample = common(e, type, metadata(e, RECORD_ATTRIBUTES));
    List<HkCorrelationMember> members = new ArrayList<>();
    for (XmlElement child : e.children("Record").toList()) {
      WearableSample member = record(child);
      HkQuantity quantity = member.getBody() instanceof HkQuantity q ? q : null;
      if (quantity == null) {
        continue; // food correlations may hold category samples; a member has a numeric value only
      }
      members.add(
          HkCorrelationMember.newBuilder()
              .setRecordId(member.getRecordId())
              .setType(member.getType())
              .setStartTime(member.getStartTime())
              .setEndTime(member.getEndTime())
              .setValue(quantity.getValue())
              .setUnit(quantity.getUnit())
              .setMetadata(member.getMetadata())
              .build());
    }
    members.sort(Comparator.comparing(HkCorrelationMember::getType));
    sample.setBody(HkCorrelation.newBuilder().setMembers(members).build());
    StringBuilder memberIds = new StringBuilder();
    members.forEach(m -> memberIds.append(m.getRecordId()).append(','));
    sample.setRecordId(recordId(e, type, sample, memberIds.toString(), null));
    return sample.build();
  }

  private WearableSample workout(XmlElement e) throws InvalidElementException {
    String activityType = required(e, "workoutActivityType");
    WearableSample.Builder sample =
        common(e, "HKWorkoutTypeIdentifier", metadata(e, WORKOUT_ATTRIBUTES));
    Map<String, HkWorkoutStatistic> totals = new LinkedHashMap<>();
    for (XmlElement stat : e.children("WorkoutStatistics").toList()) {
      HkWorkoutStatistic statistic = statistic(stat);
      totals.put(statistic.getType(), statistic);
    }
    // Before iOS 16 the totals are attributes of the workout; WorkoutStatistics wins when both
    // exist.
    addTotal(
        totals, distanceType(activityType), e.attr("totalDistance"), e.attr("totalDistanceUnit"));
    addTotal(
        totals,
        "HKQuantityTypeIdentifierActiveEnergyBurned",
        e.attr("totalEnergyBurned"),
        e.attr("totalEnergyBurnedUnit"));
    List<HkWorkoutEvent> events = new ArrayList<>();
    for (XmlElement event : e.children("WorkoutEvent").toList()) {
      Instant start = date(required(event, "date"), "date").toInstant();
      Double duration = optionalNumber(event.attr("duration"), "duration");
      Instant end =
          duration == null ? start : start.plus(seconds(duration, event.attr("durationUnit")));
      events.add(
          HkWorkoutEvent.newBuilder()
              .setType(required(event, "type"))
              .setStartTime(start)
              .setEndTime(end)
              .setMetadata(metadata(event, Set.of("type", "date", "duration", "durationUnit")))
              .build());
    }
    List<HkWorkoutActivity> activities = new ArrayList<>();
    for (XmlElement part : e.children("WorkoutActivity").toList()) {
      activities.add(activity(part, activityType));
    }
    Map<String, String> metadata = sample.getMetadata();
    List<RoutePoint> route = new ArrayList<>();
    for (XmlElement r : e.children("WorkoutRoute").toList()) {
      // Newer exports point at a GPX file in the zip instead of listing the locations inline.
      r.children("FileReference")
          .findFirst()
          .ifPresent(ref -> metadata.put("WorkoutRoute.FileReference", orEmpty(ref.attr("path"))));
      for (XmlElement location : r.children("Location").toList()) {
        route.add(routePoint(location));
      }
    }
    Double duration = optionalNumber(e.attr("duration"), "duration");
    sample.setBody(
        HkWorkout.newBuilder()
            .setActivityType(activityType)
            .setDurationSeconds(
                duration == null
                    ? null
                    : seconds(duration, e.attr("durationUnit")).toMillis() / 1000.0)
            .setTotals(new ArrayList<>(totals.values()))
            .setEvents(events)
            .setActivities(activities)
            .setRoute(route)
            .build());
    sample.setRecordId(
        recordId(e, activityType, sample, e.attr("duration"), e.attr("durationUnit")));
    return sample.build();
  }

  /** A part of a multi-sport or interval workout (iOS 16+). */
  private static HkWorkoutActivity activity(XmlElement a, String workoutType)
      throws InvalidElementException {
    OffsetDateTime start = date(required(a, "startDate"), "startDate");
    OffsetDateTime end = a.attr("endDate") == null ? start : date(a.attr("endDate"), "endDate");
    Double duration = optionalNumber(a.attr("duration"), "duration");
    List<HkWorkoutStatistic> totals = new ArrayList<>();
    for (XmlElement stat : a.children("WorkoutStatistics").toList()) {
      totals.add(statistic(stat));
    }
    return HkWorkoutActivity.newBuilder()
        .setActivityType(
            a.attr("workoutActivityType") != null ? a.attr("workoutActivityType") : workoutType)
        .setStartTime(start.toInstant())
        .setEndTime(end.toInstant())
        .setDurationSeconds(
            duration == null ? null : seconds(duration, a.attr("durationUnit")).toMillis() / 1000.0)
        .setTotals(totals)
        .setMetadata(
            metadata(
                a,
                Set.of(
                    "workoutActivityType",
                    "uuid",
                    "startDate",
                    "endDate",
                    "duration",
                    "durationUnit")))
        .build();
  }

  private static HkWorkoutStatistic statistic(XmlElement stat) throws InvalidElementException {
    return HkWorkoutStatistic.newBuilder()
        .setType(required(stat, "type"))
        .setSum(optionalNumber(stat.attr("sum"), "sum"))
        .setMinimum(optionalNumber(stat.attr("minimum"), "minimum"))
        .setMaximum(optionalNumber(stat.attr("maximum"), "maximum"))
        .setAverage(optionalNumber(stat.attr("average"), "average"))
        .setUnit(orEmpty(stat.attr("unit")))
        .build();
  }

  private static RoutePoint routePoint(XmlElement l) throws InvalidElementException {
    return RoutePoint.newBuilder()
        .setTime(date(required(l, "date"), "date").toInstant())
        .setLatitude(number(required(l, "latitude"), "latitude"))
        .setLongitude(number(required(l, "longitude"), "longitude"))
        .setAltitudeMeters(optionalNumber(l.attr("altitude"), "altitude"))
        .setHorizontalAccuracyMeters(
            optionalNumber(l.attr("horizontalAccuracy"), "horizontalAccuracy"))
        .setVerticalAccuracyMeters(optionalNumber(l.attr("verticalAccuracy"), "verticalAccuracy"))
        .setSpeedMetersPerSecond(negativeIsUnknown(optionalNumber(l.attr("speed"), "speed")))
        .setCourseDegrees(negativeIsUnknown(optionalNumber(l.attr("course"), "course")))
        .build();
  }

  /** CoreLocation writes -1 for an unknown course or speed. */
  private static Double negativeIsUnknown(Double value) {
    return value == null || value < 0 ? null : value;
  }

  private WearableSample.Builder common(XmlElement e, String type, Map<String, String> metadata)
      throws InvalidElementException {
    OffsetDateTime start = date(required(e, "startDate"), "startDate");
    OffsetDateTime end = e.attr("endDate") == null ? start : date(e.attr("endDate"), "endDate");
    String created = e.attr("creationDate");
    String sourceName = e.attr("sourceName") != null ? e.attr("sourceName") : e.attr("source");
    return WearableSample.newBuilder()
        .setUserId(userId)
        .setPlatform(Platform.HEALTHKIT)
        .setRecordId("")
        .setType(type)
        .setStartTime(start.toInstant())
        .setStartZoneOffsetSeconds(start.getOffset().getTotalSeconds())
        .setEndTime(end.toInstant())
        .setEndZoneOffsetSeconds(end.getOffset().getTotalSeconds())
        .setTimeZone(timeZone(metadata.get(HK_TIME_ZONE)))
        .setReceivedTime(receivedTime)
        .setCreationTime(
            created == null || created.isBlank() ? null : date(created, "creationDate").toInstant())
        .setSource(
            Source.newBuilder()
                .setName(sourceName)
                .setBundleId(null)
                .setVersion(e.attr("sourceVersion"))
                .setProductType(null)
                .setOperatingSystemVersion(null)
                .build())
        .setDevice(HkDeviceString.parse(e.attr("device")))
        .setVersion(
            RecordVersion.newBuilder()
                .setClientRecordId(null)
                .setClientRecordVersion(null)
                .setLastModifiedTime(null)
                .setSyncIdentifier(metadata.get(HK_SYNC_IDENTIFIER))
                .setSyncVersion(syncVersion(metadata.get(HK_SYNC_VERSION)))
                .build())
        .setRecordingMethod(
            isTrue(metadata.get(HK_WAS_USER_ENTERED))
                ? RecordingMethod.MANUAL_ENTRY
                : RecordingMethod.UNKNOWN)
        .setMetadata(metadata);
  }

  private static String recordId(
      XmlElement e, String type, WearableSample.Builder sample, String value, String unit) {
    String source = sample.getSource().getName();
    String sync = sample.getVersion().getSyncIdentifier();
    if (sync != null && !sync.isBlank()) {
      return RecordIds.forSyncIdentifier(sample.getUserId(), type, source, sync);
    }
    return RecordIds.forSample(
        sample.getUserId(),
        type,
        source,
        sample.getStartTime(),
        sample.getEndTime(),
        value == null ? null : value.trim(),
        unit);
  }

  /** The beat list as exported, for the rare case where its times cannot be read. */
  private static String rawBeats(XmlElement hrv) {
    StringBuilder beats = new StringBuilder();
    hrv.children("InstantaneousBeatsPerMinute")
        .forEach(
            b ->
                beats
                    .append(beats.length() == 0 ? "" : ";")
                    .append(orEmpty(b.attr("bpm")))
                    .append('@')
                    .append(orEmpty(b.attr("time"))));
    return beats.toString();
  }

  /** MetadataEntry children, then attributes without a field of their own. */
  private static Map<String, String> metadata(XmlElement e, Set<String> known) {
    Map<String, String> metadata = new LinkedHashMap<>();
    for (XmlElement child : e.children()) {
      if (child.name().equals("MetadataEntry") && child.attr("key") != null) {
        metadata.put(child.attr("key"), orEmpty(child.attr("value")));
      }
    }
    e.attributes()
        .forEach(
            (key, value) -> {
              if (!known.contains(key)) {
                metadata.putIfAbsent(key, value);
              }
            });
    return metadata;
  }

  private static void addTotal(
      Map<String, HkWorkoutStatistic> totals, String type, String sum, String unit)
      throws InvalidElementException {
    if (sum == null || sum.isBlank() || totals.containsKey(type)) {
      return;
    }
    totals.put(
        type,
        HkWorkoutStatistic.newBuilder()
            .setType(type)
            .setSum(number(sum, "total"))
            .setMinimum(null)
            .setMaximum(null)
            .setAverage(null)
            .setUnit(orEmpty(unit))
            .build());
  }

  /** The quantity type a workout's {@code totalDistance} attribute measures. */
  static String distanceType(String activity) {
    String a = activity.toLowerCase(Locale.ROOT);
    if (a.contains("cycling")) {
      return "HKQuantityTypeIdentifierDistanceCycling";
    }
    if (a.contains("swimming")) {
      return "HKQuantityTypeIdentifierDistanceSwimming";
    }
    if (a.contains("wheelchair")) {
      return "HKQuantityTypeIdentifierDistanceWheelchair";
    }
    if (a.contains("skiing") || a.contains("snowboarding")) {
      return "HKQuantityTypeIdentifierDistanceDownhillSnowSports";
    }
    return "HKQuantityTypeIdentifierDistanceWalkingRunning";
  }

  private static Duration seconds(double amount, String unit) {
    double factor =
        switch (unit == null ? "min" : unit) {
          case "s", "sec" -> 1;
          case "ms" -> 0.001;
          case "hr", "h" -> 3600;
          case "d" -> 86400;
          default -> 60; // exports write "min"
        };
    return Duration.ofMillis(Math.round(amount * factor * 1000));
  }

  private static String timeZone(String zone) {
    if (zone == null || zone.isBlank()) {
      return null;
    }
    try {
      return ZoneId.of(zone.trim()).getId();
    } catch (RuntimeException e) {
      return null; // still in metadata verbatim; an unknown zone must not lose the sample
    }
  }

  private static Long syncVersion(String text) {
    if (text == null) {
      return null;
    }
    try {
      return Long.parseLong(text.trim());
    } catch (NumberFormatException e) {
      return null;
    }
  }

  private static boolean isTrue(String text) {
    return text != null && (text.trim().equals("1") || text.trim().equalsIgnoreCase("true"));
  }

  private static String required(XmlElement e, String attribute) throws InvalidElementException {
    String value = e.attr(attribute);
    if (value == null || value.isBlank()) {
      throw new InvalidElementException(
          ImportReason.MISSING_ATTRIBUTE, "missing attribute " + attribute);
    }
    return value;
  }

  private static OffsetDateTime date(String text, String attribute) throws InvalidElementException {
    try {
      return AppleDates.parse(text);
    } catch (DateTimeParseException e) {
      throw new InvalidElementException(
          ImportReason.INVALID_DATE, "attribute " + attribute + " is not an export date");
    }
  }

  private static double number(String text, String attribute) throws InvalidElementException {
    try {
      return Double.parseDouble(text.trim());
    } catch (NumberFormatException e) {
      throw new InvalidElementException(
          ImportReason.INVALID_NUMBER, "attribute " + attribute + " is not a number");
    }
  }

  private static Integer optionalInt(String text, String attribute) throws InvalidElementException {
    if (text == null || text.isBlank()) {
      return null;
    }
    double n = number(text, attribute);
    return n == Math.rint(n) && Math.abs(n) <= Integer.MAX_VALUE ? (int) n : null;
  }

  private static Double optionalNumber(String text, String attribute)
      throws InvalidElementException {
    return text == null || text.isBlank() ? null : number(text, attribute);
  }

  private static String orEmpty(String s) {
    return s == null ? "" : s;
  }

  /** A reason and a detail that names attributes only, never their values. */
  static final class InvalidElementException extends Exception {
    final ImportReason reason;

    InvalidElementException(ImportReason reason, String detail) {
      super(detail, null, false, false);
      this.reason = reason;
    }
  }
}

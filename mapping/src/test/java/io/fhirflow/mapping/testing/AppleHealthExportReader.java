package io.fhirflow.mapping.testing;

import io.fhirflow.mapping.CatalogueEntry;
import io.fhirflow.mapping.MappingCatalogue;
import io.fhirflow.schema.Device;
import io.fhirflow.schema.HkCategory;
import io.fhirflow.schema.HkCorrelation;
import io.fhirflow.schema.HkCorrelationMember;
import io.fhirflow.schema.HkQuantity;
import io.fhirflow.schema.HkWorkout;
import io.fhirflow.schema.HkWorkoutStatistic;
import io.fhirflow.schema.Platform;
import io.fhirflow.schema.RecordVersion;
import io.fhirflow.schema.RecordingMethod;
import io.fhirflow.schema.Source;
import io.fhirflow.schema.WearableSample;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.xml.stream.XMLInputFactory;
import javax.xml.stream.XMLStreamConstants;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamReader;

/**
 * Test-only reader of Apple Health {@code export.xml} files: turns Record, Correlation and Workout
 * elements into {@link WearableSample}s the way a gateway would, so the mapper can be checked on
 * real data. The production streaming importer belongs to the cli module; this one exists to keep
 * the mapping tests self-contained. Exports carry no HealthKit UUIDs, so the record id is a hash of
 * the element's attributes.
 */
public final class AppleHealthExportReader {
  private static final DateTimeFormatter MODERN =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss Z");
  private static final DateTimeFormatter LEGACY = DateTimeFormatter.ofPattern("yyyyMMddHHmmssZ");
  private static final Pattern DEVICE_FIELD =
      Pattern.compile(
          "(name|manufacturer|model|hardware|software|firmware):(.*?)(?=, (?:name|manufacturer|model|hardware|software"
              + "|firmware|localIdentifier|UDIDeviceIdentifier):|>$)");

  /** Labels older exports used for values HealthKit later renamed. */
  private static final Map<String, Integer> LEGACY_LABELS =
      Map.of("HKCategoryValueSleepAnalysisAsleep", 1);

  private static final Instant RECEIVED = Instant.parse("2026-11-24T00:00:00Z");

  private final MappingCatalogue catalogue;
  private final String userId;

  public AppleHealthExportReader(MappingCatalogue catalogue, String userId) {
    this.catalogue = catalogue;
    this.userId = userId;
  }

  /**
   * Streams every Record (top-level), Correlation and Workout of the file to the consumer, in file
   * order.
   */
  public void read(Path file, Consumer<WearableSample> consumer)
      throws IOException, XMLStreamException {
    XMLInputFactory factory = XMLInputFactory.newFactory();
    factory.setProperty(XMLInputFactory.SUPPORT_DTD, false);
    factory.setProperty(XMLInputFactory.IS_SUPPORTING_EXTERNAL_ENTITIES, false);
    try (InputStream in = Files.newInputStream(file)) {
      XMLStreamReader xml = factory.createXMLStreamReader(in, StandardCharsets.UTF_8.name());
      while (xml.hasNext()) {
        if (xml.next() != XMLStreamConstants.START_ELEMENT) {
          continue;
        }
        switch (xml.getLocalName()) {
          case "Record" -> consumer.accept(record(xml));
          case "Correlation" -> consumer.accept(correlation(xml));
          case "Workout" -> consumer.accept(workout(xml));
          default -> {}
        }
      }
      xml.close();
    }
  }

  private WearableSample record(XMLStreamReader xml) throws XMLStreamException {
    Map<String, String> attributes = attributes(xml);
    Map<String, String> metadata = new TreeMap<>();
    readChildren(xml, metadata, child -> {});
    String type = attributes.get("type");
    Object body =
        type.startsWith("HKCategoryTypeIdentifier")
            ? category(type, attributes.get("value"))
            : quantity(attributes);
    return sample(attributes, metadata, type, body);
  }

  /**
   * iOS 8 exports aggregate: recordCount, min, max and average (the value) instead of one value.
   */
  private static HkQuantity quantity(Map<String, String> attributes) {
    Double count = number(attributes.get("recordCount"));
    return HkQuantity.newBuilder()
        .setValue(value(attributes))
        .setUnit(attributes.getOrDefault("unit", ""))
        .setCount(count == null ? null : count.intValue())
        .setMinimum(number(attributes.get("min")))
        .setMaximum(number(attributes.get("max")))
        .build();
  }

  private WearableSample correlation(XMLStreamReader xml) throws XMLStreamException {
    Map<String, String> attributes = attributes(xml);
    Map<String, String> metadata = new TreeMap<>();
    List<HkCorrelationMember> members = new ArrayList<>();
    readChildren(
        xml,
        metadata,
        child -> {
          if ("Record".equals(child.getLocalName())) {
            Map<String, String> member = attributes(child);
            members.add(
                new HkCorrelationMember(
                    recordId(member),
                    member.get("type"),
                    time(member.get("startDate")),
                    time(member.get("endDate")),
                    value(member),
                    member.getOrDefault("unit", ""),
                    Map.of()));
          }
        });
    return sample(attributes, metadata, attributes.get("type"), new HkCorrelation(members));
  }

  private WearableSample workout(XMLStreamReader xml) throws XMLStreamException {
    Map<String, String> attributes = attributes(xml);
    Map<String, String> metadata = new TreeMap<>();
    List<HkWorkoutStatistic> totals = new ArrayList<>();
    readChildren(
        xml,
        metadata,
        child -> {
          if ("WorkoutStatistics".equals(child.getLocalName())) {
            Map<String, String> statistic = attributes(child);
            totals.add(
                new HkWorkoutStatistic(
                    statistic.get("type"),
                    number(statistic.get("sum")),
                    number(statistic.get("minimum")),
                    number(statistic.get("maximum")),
                    number(statistic.get("average")),
                    statistic.getOrDefault("unit", "")));
          }
        });
    String activity = attributes.get("workoutActivityType");
    if (totals.isEmpty()) {
      if (attributes.get("totalDistance") != null) {
        totals.add(
            new HkWorkoutStatistic(
                distanceType(activity),
                number(attributes.get("totalDistance")),
                null,
                null,
                null,
                attributes.get("totalDistanceUnit")));
      }
      if (attributes.get("totalEnergyBurned") != null) {
        totals.add(
            new HkWorkoutStatistic(
                "HKQuantityTypeIdentifierActiveEnergyBurned",
                number(attributes.get("totalEnergyBurned")),
                null,
                null,
                null,
                attributes.get("totalEnergyBurnedUnit")));
      }
    }
    Double duration = number(attributes.get("duration"));
    if (duration != null && "min".equals(attributes.get("durationUnit"))) {
      duration = duration * 60;
    }
    return sample(
        attributes,
        metadata,
        "HKWorkoutTypeIdentifier",
        HkWorkout.newBuilder()
            .setActivityType(activity)
            .setDurationSeconds(duration)
            .setTotals(totals)
            .build());
  }

  private static String distanceType(String activity) {
    if (activity == null) {
      return "HKQuantityTypeIdentifierDistanceWalkingRunning";
    }
    if (activity.contains("Cycling")) {
      return "HKQuantityTypeIdentifierDistanceCycling";
    }
    if (activity.contains("Swimming")) {
      return "HKQuantityTypeIdentifierDistanceSwimming";
    }
    return activity.contains("Wheelchair")
        ? "HKQuantityTypeIdentifierDistanceWheelchair"
        : "HKQuantityTypeIdentifierDistanceWalkingRunning";
  }

  private HkCategory category(String type, String value) {
    CatalogueEntry entry = catalogue.entry(Platform.HEALTHKIT, type).orElse(null);
    if (value != null && value.matches("-?\\d+")) {
      return new HkCategory(Integer.parseInt(value), null);
    }
    if (value == null || value.isBlank()) {
      // Value-less categories (mindful session, handwashing) carry HKCategoryValueNotApplicable =
      // 0.
      return new HkCategory(0, null);
    }
    int number = -1;
    if (LEGACY_LABELS.containsKey(value)) {
      number = LEGACY_LABELS.get(value);
    } else if (entry != null && entry.valueSet() != null) {
      number = catalogue.codedValue(entry.valueSet(), value).map(v -> v.value()).orElse(-1);
    }
    return new HkCategory(number, value);
  }

  private WearableSample sample(
      Map<String, String> attributes, Map<String, String> metadata, String type, Object body) {
    Instant start = time(attributes.get("startDate"));
    Instant end = time(attributes.get("endDate"));
    String sourceName = attributes.getOrDefault("sourceName", attributes.get("source"));
    RecordVersion.Builder version = RecordVersion.newBuilder();
    if (metadata.containsKey("HKMetadataKeySyncIdentifier")) {
      version.setSyncIdentifier(metadata.get("HKMetadataKeySyncIdentifier"));
    }
    if (metadata.containsKey("HKMetadataKeySyncVersion")) {
      version.setSyncVersion(Long.parseLong(metadata.get("HKMetadataKeySyncVersion")));
    }
    boolean manual =
        "1".equals(metadata.get("HKWasUserEntered"))
            || "1".equals(attributes.get("HKWasUserEntered"));
    return WearableSample.newBuilder()
        .setUserId(userId)
        .setPlatform(Platform.HEALTHKIT)
        .setRecordId(recordId(attributes))
        .setType(type)
        .setStartTime(start)
        .setStartZoneOffsetSeconds(offset(attributes.get("startDate")))
        .setEndTime(end)
        .setEndZoneOffsetSeconds(offset(attributes.get("endDate")))
        .setTimeZone(metadata.get("HKTimeZone"))
        .setReceivedTime(RECEIVED)
        .setCreationTime(
            attributes.get("creationDate") == null ? null : time(attributes.get("creationDate")))
        .setSource(
            Source.newBuilder()
                .setName(sourceName)
                .setVersion(attributes.get("sourceVersion"))
                .build())
        .setDevice(device(attributes.get("device")))
        .setVersion(version.build())
        .setRecordingMethod(manual ? RecordingMethod.MANUAL_ENTRY : RecordingMethod.UNKNOWN)
        .setMetadata(metadata)
        .setBody(body)
        .build();
  }

  private static Device device(String text) {
    if (text == null) {
      return null;
    }
    Map<String, String> fields = new LinkedHashMap<>();
    Matcher matcher = DEVICE_FIELD.matcher(text);
    while (matcher.find()) {
      fields.put(matcher.group(1), matcher.group(2));
    }
    return Device.newBuilder()
        .setName(fields.get("name"))
        .setManufacturer(fields.get("manufacturer"))
        .setModel(fields.get("model"))
        .setHardwareVersion(fields.get("hardware"))
        .setSoftwareVersion(fields.get("software"))
        .setFirmwareVersion(fields.get("firmware"))
        .build();
  }

  /**
   * The value, or the average that iOS 8 exports carry instead (Sleep Cycle heart rate); NaN if
   * neither.
   */
  private static double value(Map<String, String> attributes) {
    Double value = number(attributes.get("value"));
    if (value == null) {
      value = number(attributes.get("average"));
    }
    return value == null ? Double.NaN : value;
  }

  private static Double number(String text) {
    if (text == null || text.isBlank()) {
      return null;
    }
    try {
      return Double.parseDouble(text);
    } catch (NumberFormatException e) {
      return null;
    }
  }

  static Instant time(String text) {
    return parse(text).toInstant();
  }

  private static Integer offset(String text) {
    return parse(text).getOffset().getTotalSeconds();
  }

  private static OffsetDateTime parse(String text) {
    return OffsetDateTime.parse(text, text.contains("-") && text.contains(" ") ? MODERN : LEGACY);
  }

  private static String recordId(Map<String, String> attributes) {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      for (Map.Entry<String, String> attribute : new TreeMap<>(attributes).entrySet()) {
        sha.update(
            (attribute.getKey() + "=" + attribute.getValue() + "\n")
                .getBytes(StandardCharsets.UTF_8));
      }
      return "xml-" + HexFormat.of().formatHex(sha.digest(), 0, 16);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static Map<String, String> attributes(XMLStreamReader xml) {
    Map<String, String> attributes = new LinkedHashMap<>();
    for (int i = 0; i < xml.getAttributeCount(); i++) {
      attributes.put(xml.getAttributeLocalName(i), xml.getAttributeValue(i));
    }
    return attributes;
  }

  private interface ChildHandler {
    void accept(XMLStreamReader child) throws XMLStreamException;
  }

  /**
   * Reads the children of the element {@code xml} stands on, to its end: each MetadataEntry (which
   * a Record, Correlation and Workout may all carry) into {@code metadata}, any other to {@code
   * handler}.
   */
  private static void readChildren(
      XMLStreamReader xml, Map<String, String> metadata, ChildHandler handler)
      throws XMLStreamException {
    int depth = 1;
    while (depth > 0 && xml.hasNext()) {
      int event = xml.next();
      if (event == XMLStreamConstants.START_ELEMENT) {
        depth++;
        if (depth == 2 && "MetadataEntry".equals(xml.getLocalName())) {
          metadata.put(xml.getAttributeValue(null, "key"), xml.getAttributeValue(null, "value"));
        } else if (depth == 2) {
          handler.accept(xml);
        }
      } else if (event == XMLStreamConstants.END_ELEMENT) {
        depth--;
      }
    }
  }
}

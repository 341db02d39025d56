package io.fhirflow.mapping;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.fhirflow.contracts.Tenants;
import io.fhirflow.schema.WearableSample;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Maps one raw {@link WearableSample} to FHIR R4 Observations, its Patient and Device, and the
 * metric points of the Redis branch, following the {@link MappingCatalogue}. Stateless and
 * thread-safe; bad input never throws, it becomes a {@link Rejection}. The same sample always gives
 * byte-identical JSON (deterministic ids, meta from the record's own version and times, never the
 * wall clock).
 */
public final class FhirMapper {
  /**
   * Default bound of the Patient and Device caches: enough for the users and devices of one
   * partition's traffic.
   */
  public static final int DEFAULT_CACHE_SIZE = 10_000;

  /** The widest UTC offset java.time (and FHIR's ±hh:mm) can hold: 18 hours. */
  private static final int MAX_OFFSET_SECONDS = 18 * 3600;

  private final MappingCatalogue catalogue;
  private final EntryFragments fragments;
  private final Map<ValueKind, ObservationShape> shapes = new EnumMap<>(ValueKind.class);

  /**
   * Patient and Device JSON depend only on their key, so encoding them once per key is safe and
   * saves ~1.5 µs a sample.
   */
  private final Cache<Person, Known> patients;

  private final Cache<DeviceOfUser, Known> devices;

  private record DeviceOfUser(String tenant, String userId, DeviceFactory.Identity device) {}

  /** A cached resource with its reference, which every Observation of every sample writes. */
  record Known(FhirResource resource, String reference) {
    Known(FhirResource resource) {
      this(resource, resource.reference());
    }
  }

  private record Person(String tenant, String userId) {}

  public FhirMapper(MappingCatalogue catalogue) {
    this(catalogue, DEFAULT_CACHE_SIZE);
  }

  /**
   * @param catalogue the catalogue to map with
   * @param cacheSize how many Patient and how many Device resources to keep encoded (0 disables the
   *     caches)
   */
  public FhirMapper(MappingCatalogue catalogue, int cacheSize) {
    this.catalogue = Objects.requireNonNull(catalogue, "catalogue");
    this.fragments = new EntryFragments(catalogue);
    this.patients = Caffeine.newBuilder().maximumSize(cacheSize).build();
    this.devices = Caffeine.newBuilder().maximumSize(cacheSize).build();
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

  public MappingCatalogue catalogue() {
    return catalogue;
  }

  /**
   * Checks a sample without producing JSON: ids present, end not before start, type known, every
   * value finite, in an accepted unit and in range, body shaped as the type needs. Costs about one
   * {@link #map} without the encoding. {@code map} runs the same checks, so calling this first is
   * optional.
   *
   * @return the first problem found, or empty if {@link #map} will succeed
   */
  public Optional<Rejection> validate(WearableSample sample) {
    try {
      build(Tenants.DEFAULT, sample, false);
      return Optional.empty();
    } catch (SampleRejected rejected) {
      return Optional.of(rejected.rejection());
    }
  }

  /**
   * Maps a sample.
   *
   * @param amended true when this sample is a newer version of a record already mapped; status
   *     becomes {@code amended} and the ids stay the same, so consumers overwrite
   * @return {@link Mapped} with at least one Observation, or the {@link Rejection}
   */
  public MappingOutcome map(WearableSample sample, boolean amended) {
    return map(Tenants.DEFAULT, sample, amended);
  }

  /**
   * Maps a tenant's sample: ids in the tenant's namespace ({@link ResourceIds}), the tenant as
   * meta.tag of every resource ({@code FhirSystems.TENANT}).
   *
   * @param tenant a valid tenant name ({@link Tenants}), taken from where the sample was read
   */
  public MappingOutcome map(String tenant, WearableSample sample, boolean amended) {
    SampleContext context;
    try {
      context = build(tenant, sample, amended);
    } catch (SampleRejected rejected) {
      return rejected.rejection();
    }
    List<FhirResource> observations = new ArrayList<>(context.observations.size());
    for (ObservationDraft observation : context.observations) {
      observations.add(
          new FhirResource(
              "Observation", observation.id, FhirJsonEncoder.observation(context, observation)));
    }
    return new Mapped(
        observations, context.patient(), Optional.ofNullable(context.device()), context.metrics);
  }

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
    // java.time's ZoneOffset (every date is written in the sample's offset) stops at ±18:00; beyond
    // it the mapper threw a DateTimeException out of the stream thread instead of rejecting.
    if (!isOffset(sample.getStartZoneOffsetSeconds())
        || !isOffset(sample.getEndZoneOffsetSeconds())) {
      throw new SampleRejected(
          RejectReason.OUT_OF_RANGE, sample.getType() + " zone offset lies outside ±18:00");
    }
    List<CatalogueEntry> entries = catalogue.entries(sample.getPlatform(), sample.getType());
    if (entries.isEmpty()) {
      throw new SampleRejected(
          RejectReason.UNKNOWN_TYPE, "type not in catalogue: " + typeForDetail(sample));
    }
    if (entries.get(0).kind() == ValueKind.UNSUPPORTED) {
      throw new SampleRejected(
          RejectReason.UNSUPPORTED_TYPE, "type not supported: " + typeForDetail(sample));
    }
    StorableSample.check(sample);
    Known patient =
        patients.get(
            new Person(tenant, sample.getUserId()),
            p -> new Known(PatientFactory.resource(p.tenant(), p.userId())));
    DeviceFactory.Identity deviceIdentity = DeviceFactory.identity(sample);
    // A Device belongs to its user (ResourceIds), so the cache is keyed by both.
    Known device =
        deviceIdentity == null
            ? null
            : devices.get(
                new DeviceOfUser(tenant, sample.getUserId(), deviceIdentity),
                d -> new Known(DeviceFactory.resource(tenant, sample, d.device().key())));
    SampleContext context =
        new SampleContext(tenant, sample, catalogue, fragments, amended, patient, device);
    for (Map.Entry<ValueKind, List<CatalogueEntry>> group : byKind(entries).entrySet()) {
      shapes.get(group.getKey()).build(context, group.getValue());
    }
    if (context.observations.isEmpty()) {
      throw new SampleRejected(
          RejectReason.INVALID_SHAPE, sample.getType() + " carries no field the catalogue maps");
    }
    return context;
  }

  private static Map<ValueKind, List<CatalogueEntry>> byKind(List<CatalogueEntry> entries) {
    if (entries.size() == 1) {
      return Map.of(entries.get(0).kind(), entries);
    }
    Map<ValueKind, List<CatalogueEntry>> groups = new LinkedHashMap<>();
    for (CatalogueEntry entry : entries) {
      groups.computeIfAbsent(entry.kind(), k -> new ArrayList<>()).add(entry);
    }
    return groups;
  }

  private static String typeForDetail(WearableSample sample) {
    return SampleRejected.printable(sample.getType());
  }

  private static boolean isOffset(Integer seconds) {
    return seconds == null || Math.abs(seconds) <= MAX_OFFSET_SECONDS;
  }

  private static boolean isBlank(String text) {
    return text == null || text.isBlank();
  }
}

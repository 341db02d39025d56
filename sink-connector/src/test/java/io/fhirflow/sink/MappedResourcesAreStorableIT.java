package io.fhirflow.sink;

import static org.assertj.core.api.Assertions.assertThat;

import io.fhirflow.mapping.FhirMapper;
import io.fhirflow.mapping.FhirResource;
import io.fhirflow.mapping.Mapped;
import io.fhirflow.mapping.MappingCatalogue;
import io.fhirflow.mapping.MappingOutcome;
import io.fhirflow.mapping.RejectReason;
import io.fhirflow.mapping.Rejection;
import io.fhirflow.schema.HcInstantaneous;
import io.fhirflow.schema.HcInterval;
import io.fhirflow.schema.HcMeasurement;
import io.fhirflow.schema.HcSeries;
import io.fhirflow.schema.HcSeriesSample;
import io.fhirflow.schema.HkCategory;
import io.fhirflow.schema.HkCorrelation;
import io.fhirflow.schema.HkCorrelationMember;
import io.fhirflow.schema.HkQuantity;
import io.fhirflow.schema.HkWorkout;
import io.fhirflow.schema.HkWorkoutStatistic;
import io.fhirflow.schema.Source;
import io.fhirflow.schema.WearableSample;
import io.fhirflow.store.StoreTables;
import io.fhirflow.testkit.LocalServices;
import io.fhirflow.testkit.WearableSamples;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * Property: what the topology emits, the store can hold. Adversarial text (U+0000, unpaired
 * surrogates, escapes, long strings) and numbers (±1e308, NaN, ±Infinity, subnormals) in every kind
 * of field, mapped or not, go through the real mapper, the sink's extraction and a real PostgreSQL
 * row. Every resource the mapper emits must be extracted, written and read back equal; every other
 * sample must be a typed rejection, never an exception. Seeded generator: rerun a failure with
 * -Dfhirflow.property.seed=..., widen with -Dfhirflow.property.tries=...
 */
class MappedResourcesAreStorableIT {

  private static final long SEED = Long.getLong("fhirflow.property.seed", 20261205L);
  private static final int TRIES = Integer.getInteger("fhirflow.property.tries", 600);

  private static final String[] TEXTS = {
    "",
    "a",
    "\u0000",
    "x\u0000y",
    "\uD800",
    "\uDC00",
    "a\uD83Dz",
    "\uD83D\uDE00",
    "\u001f",
    "\\",
    "\"",
    "\\u0000",
    "\u2028\u2029",
    "\uFFFF",
    "\uFEFF",
    "'; DROP TABLE " + StoreTables.OBSERVATION + "; --",
    "<b>&amp;</b>",
    "Zoë’s Apple Watch",
    "\t\r\n",
    "x".repeat(20_000)
  };
  private static final double[] NUMBERS = {
    0,
    -0.0,
    72,
    1e-308,
    Double.MIN_VALUE,
    1e308,
    -1e308,
    Double.MAX_VALUE,
    -Double.MAX_VALUE,
    Double.NaN,
    Double.POSITIVE_INFINITY,
    Double.NEGATIVE_INFINITY,
    1e15,
    1e16 + 1,
    123.456789012345678
  };
  private static final String[] UNITS = {
    "count/min",
    "lb",
    "kg",
    "degF",
    "mmHg",
    "count",
    "\u0000",
    "beatsPerMinute",
    "millimetersOfMercury",
    "count/s"
  };
  private static final Instant[] TIMES = {
    Instant.parse("0001-01-01T00:00:00Z"), Instant.parse("0001-01-02T00:00:00Z"),
        Instant.parse("1900-01-01T00:00:00Z"),
    Instant.parse("9999-12-30T23:59:59Z"), Instant.parse("9999-12-31T23:59:59Z"),
        Instant.parse("+10000-01-01T00:00:00Z"),
    Instant.parse("-0001-01-01T00:00:00Z"), Instant.EPOCH, WearableSamples.MORNING
  };

  private final Random random = new Random(SEED);
  private final FhirMapper mapper = new FhirMapper(MappingCatalogue.builtIn(), 0);

  @Test
  void everyResourceTheMapperEmitsIsStoredAsEmittedAndEveryOtherSampleIsATypedRejection()
      throws Exception {
    String url = LocalServices.freshPostgresSchema("sink_property");
    FhirSinkConnectorConfig config = new FhirSinkConnectorConfig(Map.of("connection.url", url));
    PostgresDatabaseDialect dialect = new PostgresDatabaseDialect(config.tableMapping());
    ResourceExtractor extractor = new ResourceExtractor(config.tableMapping());
    Map<RejectReason, Integer> rejected = new EnumMap<>(RejectReason.class);
    int stored = 0;
    try (DatabaseSession session = new DatabaseSession(config, dialect);
        Connection reader = DriverManager.getConnection(url)) {
      RecordWriter writer = new RecordWriter(session, dialect, config.writeMethod());
      for (int i = 0; i < TRIES; i++) {
        WearableSample sample = adversarial(i);
        String trial = "seed " + SEED + " try " + i;
        MappingOutcome outcome = mapper.map(sample, false);
        if (outcome instanceof Rejection rejection) {
          rejected.merge(rejection.reason(), 1, Integer::sum);
          continue;
        }
        Mapped mapped = (Mapped) outcome;
        List<FhirResource> resources = new ArrayList<>(mapped.observations());
        resources.add(mapped.patient());
        mapped.device().ifPresent(resources::add);
        List<ResourceRow> rows = new ArrayList<>();
        for (FhirResource resource : resources) {
          // The topology's StringSerializer sends UTF-8: a text that does not survive it would be
          // altered on the way.
          byte[] wire = resource.json().getBytes(StandardCharsets.UTF_8);
          assertThat(new String(wire, StandardCharsets.UTF_8)).as(trial).isEqualTo(resource.json());
          try {
            rows.add(extractor.extract(wire, 0L));
          } catch (UnwritableRecordException e) {
            throw new AssertionError(
                trial
                    + ": the sink cannot take what the mapper emitted ("
                    + e.reason().code()
                    + "): "
                    + resource.json(),
                e);
          }
        }
        writer.write(rows);
        for (FhirResource resource : resources) {
          assertThat(storedEqually(reader, dialect, resource))
              .as(trial + " " + resource.resourceType())
              .isTrue();
        }
        stored++;
      }
    }
    assertThat(stored).as("samples stored").isGreaterThan(TRIES / 10);
    assertThat(rejected)
        .as("rejections by reason")
        .containsKeys(
            RejectReason.INVALID_TEXT, RejectReason.NOT_FINITE, RejectReason.OUT_OF_RANGE);
  }

  private static boolean storedEqually(
      Connection c, PostgresDatabaseDialect dialect, FhirResource resource) throws Exception {
    String table =
        dialect.table(
            ResourceType.valueOf(resource.resourceType().toUpperCase(java.util.Locale.ROOT)));
    try (PreparedStatement ps =
        c.prepareStatement("SELECT resource = ?::jsonb FROM " + table + " WHERE id = ?")) {
      ps.setString(1, resource.json());
      ps.setString(2, resource.id());
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() && rs.getBoolean(1);
      }
    }
  }

  /** One of each kind of sample, with adversarial text and numbers in a few random places. */
  private WearableSample adversarial(int i) {
    List<WearableSample> bases = WearableSamples.oneOfEachKind();
    WearableSample.Builder b = WearableSample.newBuilder(bases.get(i % bases.size()));
    b.setRecordId(b.getRecordId() + "-" + i);
    for (int changes = 1 + random.nextInt(3); changes > 0; changes--) {
      switch (random.nextInt(9)) {
        case 0 -> b.setUserId(pick(TEXTS) + i);
        case 1 -> b.setRecordId(pick(TEXTS) + i);
        case 2 ->
            b.setSource(
                Source.newBuilder(b.getSource())
                    .setName(pick(TEXTS))
                    .setBundleId(pick(TEXTS))
                    .build());
        case 3 -> {
          Map<String, String> metadata = new HashMap<>(b.getMetadata());
          metadata.put(pick(TEXTS), pick(TEXTS));
          b.setMetadata(metadata);
        }
        case 4 -> {
          if (b.getDevice() != null) {
            b.setDevice(
                io.fhirflow.schema.Device.newBuilder(b.getDevice())
                    .setModel(pick(TEXTS))
                    .setManufacturer(pick(TEXTS))
                    .build());
          }
        }
        case 5 -> {
          Instant t = TIMES[random.nextInt(TIMES.length)];
          b.setStartTime(t).setEndTime(t);
        }
        case 6 -> b.setTimeZone(pick(TEXTS));
        default -> b.setBody(body(b.getBody()));
      }
    }
    return b.build();
  }

  /**
   * The body with adversarial numbers (mapped values and not-yet-mapped aggregates), units or
   * labels.
   */
  private Object body(Object body) {
    if (body instanceof HkQuantity q) {
      HkQuantity.Builder out =
          HkQuantity.newBuilder(q)
              .setValue(number())
              .setUnit(random.nextBoolean() ? q.getUnit() : pick(UNITS));
      return random.nextBoolean()
          ? out.setMinimum(number()).setMaximum(number()).setMostRecent(number()).build()
          : out.build();
    }
    if (body instanceof HkCategory c) {
      return HkCategory.newBuilder(c).setValueLabel(pick(TEXTS)).build();
    }
    if (body instanceof HkCorrelation c) {
      return HkCorrelation.newBuilder(c)
          .setMembers(
              map(
                  c.getMembers(),
                  m -> HkCorrelationMember.newBuilder(m).setValue(number()).build()))
          .build();
    }
    if (body instanceof HkWorkout w) {
      return HkWorkout.newBuilder(w)
          .setDurationSeconds(number())
          .setTotals(
              map(
                  w.getTotals(),
                  t ->
                      HkWorkoutStatistic.newBuilder(t)
                          .setSum(number())
                          .setMaximum(number())
                          .build()))
          .build();
    }
    if (body instanceof HcInstantaneous h) {
      return HcInstantaneous.newBuilder(h)
          .setMeasurements(map(h.getMeasurements(), this::measurement))
          .build();
    }
    if (body instanceof HcInterval h) {
      Map<String, String> texts = new HashMap<>(h.getTexts());
      texts.put("title", pick(TEXTS));
      return HcInterval.newBuilder(h)
          .setMeasurements(map(h.getMeasurements(), this::measurement))
          .setTexts(texts)
          .build();
    }
    if (body instanceof HcSeries s) {
      return HcSeries.newBuilder(s)
          .setSamples(
              map(s.getSamples(), p -> HcSeriesSample.newBuilder(p).setValue(number()).build()))
          .build();
    }
    return body;
  }

  private HcMeasurement measurement(HcMeasurement m) {
    return HcMeasurement.newBuilder(m).setValue(number()).build();
  }

  private static <T> List<T> map(List<T> items, Function<T, T> change) {
    return items.stream().map(change).toList();
  }

  private double number() {
    return random.nextInt(4) == 0
        ? random.nextGaussian() * Math.pow(10, random.nextInt(40) - 10)
        : NUMBERS[random.nextInt(NUMBERS.length)];
  }

  private String pick(String[] texts) {
    return texts[random.nextInt(texts.length)];
  }
}

package io.fhirflow.mapping;

import io.fhirflow.schema.WearableSample;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.LogicalType;
import org.apache.avro.Schema;
import org.apache.avro.generic.IndexedRecord;
import org.apache.avro.specific.SpecificData;

/**
 * The one rule for what a sample may carry so that everything derived from it can be stored
 * (PostgreSQL jsonb and text, FHIR JSON, Redis), checked on every field of the sample (mapped or
 * not yet) before anything is built:
 *
 * <ul>
 *   <li>text: no U+0000 (jsonb and text columns refuse it) and no unpaired surrogate (not encodable
 *       as UTF-8): the sample is rejected with {@code INVALID_TEXT}, not cleaned, because a
 *       silently altered id or name would be worse than a visible rejection;
 *   <li>numbers: every double finite ({@code NOT_FINITE}), HealthKit aggregate minimum/maximum and
 *       workout route points included;
 *   <li>times: within the years 0001-9999 that a FHIR dateTime can write, in any offset ({@code
 *       OUT_OF_RANGE}).
 * </ul>
 *
 * Values a catalogue entry maps are range-checked again after unit conversion ({@link Quantities}).
 * Details name the field path, never its content.
 *
 * <p>The walk is compiled once per Avro record schema into the list of fields that can hold
 * something to check ({@link RecordCheck}): ints, longs, enums and booleans are never read, and a
 * value is tested only against what its schema allows. Walking every field and testing each value
 * against every Java type (the first version) cost about a quarter of mapping a heart rate
 * (BENCHMARKS.md, issue 12). Avro has no validator for values of a specific record (its {@code
 * GenericData.validate} checks types, not content), so the walk is ours.
 */
final class StorableSample {
  /**
   * Years 0001-9999 in every UTC offset (at most 18 h either way), as a FHIR dateTime in the
   * sample's zone writes them.
   */
  private static final Instant EARLIEST = Instant.parse("0001-01-02T00:00:00Z");

  private static final Instant LATEST = Instant.parse("9999-12-30T23:59:59.999Z");

  private static final Problem BAD_TEXT =
      new Problem(RejectReason.INVALID_TEXT, "", "holds U+0000 or an unpaired surrogate");
  private static final Problem NOT_FINITE =
      new Problem(RejectReason.NOT_FINITE, "", "is not finite");
  private static final Problem OUT_OF_YEARS =
      new Problem(RejectReason.OUT_OF_RANGE, "", "lies outside the years 0001-9999");

  /** Each record schema's compiled check; schemas of generated classes are singletons. */
  private static final Map<Schema, RecordCheck> RECORDS = new ConcurrentHashMap<>();

  private record Problem(RejectReason reason, String path, String what) {
    Problem under(String parent) {
      return new Problem(reason, path.isEmpty() ? parent : parent + "." + path, what);
    }
  }

  /** Checks one value of a known schema; null when it can be stored. */
  @FunctionalInterface
  private interface ValueCheck {
    Problem check(Object value);
  }

  /** Nothing to check: ints, longs, enums, booleans, bytes. */
  private static final ValueCheck NONE = value -> null;

  private static final ValueCheck TEXT =
      value -> isStorable((CharSequence) value) ? null : BAD_TEXT;
  private static final ValueCheck DOUBLE =
      value -> Double.isFinite((Double) value) ? null : NOT_FINITE;
  private static final ValueCheck FLOAT =
      value -> Float.isFinite((Float) value) ? null : NOT_FINITE;
  private static final ValueCheck INSTANT =
      value ->
          value instanceof Instant t && (t.isBefore(EARLIEST) || t.isAfter(LATEST))
              ? OUT_OF_YEARS
              : null;

  private StorableSample() {}

  /**
   * @throws SampleRejected at the first field that could not be stored
   */
  static void check(WearableSample sample) {
    Problem problem = recordCheck(sample.getSchema()).check(sample);
    if (problem != null) {
      throw new SampleRejected(problem.reason(), problem.path() + " " + problem.what());
    }
  }

  /**
   * True when PostgreSQL and UTF-8 can hold the text as it is: no U+0000, every surrogate paired.
   */
  static boolean isStorable(CharSequence text) {
    for (int i = 0, n = text.length(); i < n; i++) {
      char c = text.charAt(i);
      if (c != 0 && c < Character.MIN_SURROGATE) {
        continue;
      }
      if (c == 0 || Character.isLowSurrogate(c)) {
        return false;
      }
      if (Character.isHighSurrogate(c)) {
        if (i + 1 < n && Character.isLowSurrogate(text.charAt(i + 1))) {
          i++;
        } else {
          return false;
        }
      }
    }
    return true;
  }

  private static RecordCheck recordCheck(Schema schema) {
    RecordCheck known = RECORDS.get(schema);
    if (known != null) {
      return known;
    }
    RecordCheck compiled = new Compiler().record(schema);
    RecordCheck raced = RECORDS.putIfAbsent(schema, compiled);
    return raced == null ? compiled : raced;
  }

  /** The fields of one record schema that can hold something to check, in schema order. */
  private static final class RecordCheck implements ValueCheck {
    private int[] positions = new int[0];
    private String[] names = new String[0];
    private ValueCheck[] checks = new ValueCheck[0];

    /** Filled after construction, so that a record type that refers to itself compiles. */
    void fill(List<Integer> positions, List<String> names, List<ValueCheck> checks) {
      this.positions = positions.stream().mapToInt(Integer::intValue).toArray();
      this.names = names.toArray(String[]::new);
      this.checks = checks.toArray(ValueCheck[]::new);
    }

    boolean isEmpty() {
      return checks.length == 0;
    }

    @Override
    public Problem check(Object value) {
      IndexedRecord record = (IndexedRecord) value;
      for (int i = 0; i < checks.length; i++) {
        Object field = record.get(positions[i]);
        if (field == null) {
          continue;
        }
        Problem problem = checks[i].check(field);
        if (problem != null) {
          return problem.under(names[i]);
        }
      }
      return null;
    }
  }

  /** Turns schemas into checks; one instance per top-level compilation. */
  private static final class Compiler {
    private final Map<Schema, RecordCheck> inProgress = new HashMap<>();

    RecordCheck record(Schema schema) {
      RecordCheck known = RECORDS.get(schema);
      if (known == null) {
        known = inProgress.get(schema);
      }
      if (known != null) {
        return known;
      }
      RecordCheck check = new RecordCheck();
      inProgress.put(schema, check);
      List<Integer> positions = new ArrayList<>();
      List<String> names = new ArrayList<>();
      List<ValueCheck> checks = new ArrayList<>();
      for (Schema.Field field : schema.getFields()) {
        ValueCheck fieldCheck = of(field.schema());
        if (fieldCheck != NONE) {
          positions.add(field.pos());
          names.add(field.name());
          checks.add(fieldCheck);
        }
      }
      check.fill(positions, names, checks);
      return check;
    }

    ValueCheck of(Schema schema) {
      return switch (schema.getType()) {
        case STRING -> TEXT;
        case DOUBLE -> DOUBLE;
        case FLOAT -> FLOAT;
        case LONG -> isInstant(schema.getLogicalType()) ? INSTANT : NONE;
        case RECORD -> record(schema);
        case ARRAY -> items(of(schema.getElementType()));
        case MAP -> entries(of(schema.getValueType()));
        case UNION -> union(schema);
        default -> NONE;
      };
    }

    private static boolean isInstant(LogicalType type) {
      return type != null
          && (type.getName().equals("timestamp-millis")
              || type.getName().equals("timestamp-micros"));
    }

    private ValueCheck union(Schema union) {
      List<Schema> branches = union.getTypes();
      List<Schema> values = branches.stream().filter(b -> b.getType() != Schema.Type.NULL).toList();
      if (values.size() == 1) {
        return of(values.get(0)); // ["null", T]: a null never reaches a check
      }
      // A union of several types (the sample's body): Avro's own resolution says which branch.
      ValueCheck[] checks = branches.stream().map(this::of).toArray(ValueCheck[]::new);
      return value -> checks[SpecificData.get().resolveUnion(union, value)].check(value);
    }

    private static ValueCheck items(ValueCheck item) {
      if (item == NONE) {
        return NONE;
      }
      return value -> {
        for (Object element : (Collection<?>) value) {
          Problem problem = element == null ? null : item.check(element);
          if (problem != null) {
            return problem;
          }
        }
        return null;
      };
    }

    private static ValueCheck entries(ValueCheck entryValue) {
      return value -> {
        for (Map.Entry<?, ?> entry : ((Map<?, ?>) value).entrySet()) {
          Problem problem = TEXT.check(entry.getKey());
          if (problem == null && entry.getValue() != null) {
            problem = entryValue.check(entry.getValue());
          }
          if (problem != null) {
            return problem;
          }
        }
        return null;
      };
    }
  }
}

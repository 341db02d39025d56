package io.fhirflow.mapping;

import io.fhirflow.schema.WearableSample;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.generic.IndexedRecord;

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
 */
final class StorableSample {
  /**
   * Years 0001-9999 in every UTC offset (at most 18 h either way), as a FHIR dateTime in the
   * sample's zone writes them.
   */
  private static final Instant EARLIEST = Instant.parse("0001-01-02T00:00:00Z");

  private static final Instant LATEST = Instant.parse("9999-12-30T23:59:59.999Z");

  private record Problem(RejectReason reason, String path, String what) {
    Problem under(String parent) {
      return new Problem(reason, path.isEmpty() ? parent : parent + "." + path, what);
    }
  }

  private StorableSample() {}

  /**
   * @throws SampleRejected at the first field that could not be stored
   */
  static void check(WearableSample sample) {
    Problem problem = record(sample);
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

  private static Problem record(IndexedRecord record) {
    List<Schema.Field> fields = record.getSchema().getFields();
    for (int i = 0; i < fields.size(); i++) {
      Problem problem = value(record.get(i));
      if (problem != null) {
        return problem.under(fields.get(i).name());
      }
    }
    return null;
  }

  private static Problem value(Object value) {
    if (value == null) {
      return null;
    }
    if (value instanceof CharSequence text) {
      return isStorable(text)
          ? null
          : new Problem(RejectReason.INVALID_TEXT, "", "holds U+0000 or an unpaired surrogate");
    }
    if (value instanceof Double d) {
      return Double.isFinite(d) ? null : new Problem(RejectReason.NOT_FINITE, "", "is not finite");
    }
    if (value instanceof Float f) {
      return Float.isFinite(f) ? null : new Problem(RejectReason.NOT_FINITE, "", "is not finite");
    }
    if (value instanceof Instant t) {
      return t.isBefore(EARLIEST) || t.isAfter(LATEST)
          ? new Problem(RejectReason.OUT_OF_RANGE, "", "lies outside the years 0001-9999")
          : null;
    }
    if (value instanceof IndexedRecord nested) {
      return record(nested);
    }
    if (value instanceof Map<?, ?> map) {
      for (Map.Entry<?, ?> entry : map.entrySet()) {
        Problem problem = value(entry.getKey());
        if (problem == null) {
          problem = value(entry.getValue());
        }
        if (problem != null) {
          return problem;
        }
      }
      return null;
    }
    if (value instanceof Collection<?> items) {
      for (Object item : items) {
        Problem problem = value(item);
        if (problem != null) {
          return problem;
        }
      }
    }
    return null;
  }
}

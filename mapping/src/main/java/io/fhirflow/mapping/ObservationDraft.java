package io.fhirflow.mapping;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;

/**
 * The parts of one Observation that differ between Observations of a sample, as the shapes fill
 * them, for {@link FhirJsonEncoder} to write in FHIR's element order. What every Observation of a
 * sample shares (meta, status, subject, device) stays in {@link SampleContext}. Plain strings and
 * small records, not HAPI's model: the shapes set parts in a different order than JSON wants them
 * (an extension after the value, hasMember after the members exist, the profile dropped once the
 * effective time turns out to be a Period), so something has to hold them until the writer runs,
 * and HAPI's objects (a wrapper per primitive, a GregorianCalendar per date) cost ~40 % of the
 * mapping (BENCHMARKS.md, issue 19 item 1).
 */
final class ObservationDraft {
  /** A Coding; a null or blank part is left out, as HAPI's {@code hasX} leaves it out. */
  record Coding(String system, String code, String display) {}

  /** A CodeableConcept. */
  record Concept(List<Coding> codings, String text) implements Value {
    static Concept of(Coding coding) {
      return new Concept(List.of(coding), null);
    }
  }

  /** What value[x] of an Observation, a component or an extension can be here. */
  sealed interface Value permits Quantity, Concept, IntegerValue {}

  /** A Quantity; {@code value} is written as BigDecimal text, as HAPI writes a decimal. */
  record Quantity(BigDecimal value, String unit, String system, String code) implements Value {}

  /** valueInteger: a Health Connect constant codes.tsv does not know. */
  record IntegerValue(int value) implements Value {}

  record Component(Concept code, Value value) {}

  record Extension(String url, Value value) {}

  record Identifier(String system, String value) {}

  final String id;
  final List<Identifier> identifiers = new ArrayList<>(2);

  /** meta.profile, or null. */
  String profile;

  /** The category array as JSON ({@link EntryFragments}), or null for none. */
  String categoryJson;

  /** The code as JSON when it is the entry's default ({@link EntryFragments}), else null. */
  String codeJson;

  /** The code when a value chose it (sleep stage, specimen), else null. */
  Concept code;

  /** effectiveDateTime, or null when the effective time is a Period. */
  String effectiveDateTime;

  String effectiveStart;
  String effectiveEnd;
  Value value;
  Concept bodySite;
  Concept method;
  List<Extension> extensions = List.of();
  List<String> hasMember = List.of();
  List<Component> components = List.of();

  ObservationDraft(String id) {
    this.id = id;
  }

  void addExtension(Extension extension) {
    if (extensions.isEmpty()) {
      extensions = new ArrayList<>(1);
    }
    extensions.add(extension);
  }

  void addHasMember(String reference) {
    if (hasMember.isEmpty()) {
      hasMember = new ArrayList<>();
    }
    hasMember.add(reference);
  }

  void addComponent(Concept code, Value value) {
    if (components.isEmpty()) {
      components = new ArrayList<>(2);
    }
    components.add(new Component(code, value));
  }
}

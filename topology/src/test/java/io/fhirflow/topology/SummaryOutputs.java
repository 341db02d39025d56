package io.fhirflow.topology;

import static io.fhirflow.topology.FhirFlowTopologyTest.assertValidFhir;
import static io.fhirflow.topology.FhirFlowTopologyTest.header;

import io.fhirflow.contracts.FhirRecordHeaders;
import io.fhirflow.contracts.FhirSystems;
import io.fhirflow.mapping.testing.FhirResourceValidator;
import java.math.BigDecimal;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.streams.test.TestRecord;
import org.hl7.fhir.r4.model.IntegerType;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Quantity;

/**
 * The summary Observations a test read from the Observation topic: every one is checked by HAPI's
 * validator as it is read; {@link #current} is what a consumer holds at the end (the last record
 * per id, a deletion marker removing it).
 */
final class SummaryOutputs {

  /** Every summary record read, in order: JSON, or null for a deletion marker. */
  final List<TestRecord<String, String>> records = new java.util.ArrayList<>();

  /** Summary id → its last JSON (absent once a deletion marker came). */
  final Map<String, String> byId = new LinkedHashMap<>();

  private final boolean validateEach;

  SummaryOutputs() {
    this(true);
  }

  /**
   * @param validateEach whether every record read is validated (else the caller validates what it
   *     keeps)
   */
  SummaryOutputs(boolean validateEach) {
    this.validateEach = validateEach;
  }

  /** Reads the topic, keeps the summaries (and the markers of summary ids), validates each. */
  List<TestRecord<String, String>> read(TopologyHarness flow) {
    List<TestRecord<String, String>> fresh = new java.util.ArrayList<>();
    for (TestRecord<String, String> r : flow.observations.readRecordsToList()) {
      String id = header(r.headers(), FhirRecordHeaders.RESOURCE_ID);
      if (r.value() == null) {
        if (byId.containsKey(id)) {
          byId.remove(id);
          fresh.add(r);
        }
      } else if (r.value().contains(FhirSystems.SID_SUMMARY)) {
        if (validateEach) {
          assertValidFhir(r.value());
        }
        byId.put(id, r.value());
        fresh.add(r);
      }
    }
    records.addAll(fresh);
    return fresh;
  }

  /** The current summaries by identifier value ({@code measure/period}). */
  Map<String, Observation> current() {
    Map<String, Observation> out = new LinkedHashMap<>();
    byId.values()
        .forEach(
            json -> {
              Observation o = parse(json);
              out.put(o.getIdentifierFirstRep().getValue(), o);
            });
    return out;
  }

  Optional<Observation> current(String identifier) {
    return Optional.ofNullable(current().get(identifier));
  }

  static Observation parse(String json) {
    return FhirResourceValidator.context().newJsonParser().parseResource(Observation.class, json);
  }

  static BigDecimal value(Observation o) {
    return o.getValueQuantity().getValue();
  }

  /** A statistic component's value: a quantity's decimal, or the count. */
  static BigDecimal component(Observation o, String statistic) {
    for (Observation.ObservationComponentComponent c : o.getComponent()) {
      if (c.getCode().getCodingFirstRep().getCode().equals(statistic)) {
        return c.getValue() instanceof IntegerType i
            ? BigDecimal.valueOf(i.getValue())
            : ((Quantity) c.getValue()).getValue();
      }
    }
    throw new AssertionError("no component " + statistic);
  }
}

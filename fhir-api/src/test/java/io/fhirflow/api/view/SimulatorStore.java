package io.fhirflow.api.view;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fhirflow.api.support.SinkRows;
import io.fhirflow.cli.simulate.SimulatedRecord;
import io.fhirflow.cli.simulate.TrafficGenerator;
import io.fhirflow.mapping.FhirMapper;
import io.fhirflow.mapping.FhirResource;
import io.fhirflow.mapping.Mapped;
import io.fhirflow.mapping.MappingCatalogue;
import io.fhirflow.mapping.MappingOutcome;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Fills a test store with what the traffic simulator generates for three users over two days,
 * mapped by the production mapper and written by the sink: the data the view tests run their views
 * over.
 */
final class SimulatorStore {

  private static final ObjectMapper JSON = new ObjectMapper();

  private SimulatorStore() {}

  /** Writes the resources through {@code sink}; returns every stored Observation by id. */
  static Map<String, JsonNode> fill(SinkRows sink) throws Exception {
    Map<String, JsonNode> observations = new LinkedHashMap<>();
    Clock clock = Clock.fixed(Instant.parse("2026-11-22T00:00:00Z"), ZoneOffset.UTC);
    TrafficGenerator traffic =
        new TrafficGenerator(3, 7, clock, Duration.ofDays(2), new TrafficGenerator.Mix(0, 0, 0, 0));
    FhirMapper mapper = new FhirMapper(MappingCatalogue.builtIn());
    Map<String, String> resources = new LinkedHashMap<>();
    for (int i = 0; i < 1500; i++) {
      if (traffic.next() instanceof SimulatedRecord.Sample s) {
        MappingOutcome outcome = mapper.map(s.sample(), false);
        if (outcome instanceof Mapped m) {
          resources.put(m.patient().reference(), withRecordTime(m.patient().json()));
          if (m.device().isPresent()) {
            resources.put(m.device().get().reference(), withRecordTime(m.device().get().json()));
          }
          for (FhirResource o : m.observations()) {
            resources.put(o.reference(), o.json());
            observations.put(o.id(), JSON.readTree(o.json()));
          }
        }
      }
    }
    List<String> all = new ArrayList<>(resources.values());
    for (int from = 0; from < all.size(); from += 500) {
      sink.write(all.subList(from, Math.min(all.size(), from + 500)));
    }
    return observations;
  }

  /**
   * Patients and Devices carry no meta: the sink takes the Kafka record's time, which SinkRows has
   * not got.
   */
  static String withRecordTime(String json) throws Exception {
    ObjectNode r = (ObjectNode) JSON.readTree(json);
    r.putObject("meta").put("lastUpdated", "2026-11-22T00:00:00Z");
    return r.toString();
  }
}

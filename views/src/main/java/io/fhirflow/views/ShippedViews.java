package io.fhirflow.views;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The ViewDefinitions that ship in the jar (resources io/fhirflow/views/shipped/*.json), answering
 * the common questions over wearable Observations: heart rate, steps, sleep, blood pressure. They
 * are what {@code ViewDefinition/[id]/$run} and a {@code viewReference} resolve to, and what {@code
 * fhirflow view materialize --view [id]} turns into a PostgreSQL view.
 */
public final class ShippedViews {

  public static final List<String> IDS = List.of("heart-rate", "steps", "sleep", "blood-pressure");

  private final Map<String, JsonNode> views = new LinkedHashMap<>();

  public ShippedViews() {
    ObjectMapper json = new ObjectMapper();
    for (String id : IDS) {
      try (InputStream in = ShippedViews.class.getResourceAsStream("shipped/" + id + ".json")) {
        views.put(id, json.readTree(in));
      } catch (IOException e) {
        throw new UncheckedIOException("shipped view " + id + " unreadable", e);
      }
    }
  }

  /**
   * The view with this id, or whose reference ({@code ViewDefinition/[id]} or canonical URL) ends
   * with it.
   */
  public Optional<JsonNode> find(String reference) {
    String id = reference.substring(reference.lastIndexOf('/') + 1);
    return Optional.ofNullable(views.get(id));
  }

  public Map<String, JsonNode> all() {
    return views;
  }
}

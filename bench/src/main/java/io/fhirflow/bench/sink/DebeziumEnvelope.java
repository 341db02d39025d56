package io.fhirflow.bench.sink;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Debezium's JDBC sink needs records with a Connect schema (it cannot read schemaless JSON), so its
 * topic carries JsonConverter envelopes {"schema":...,"payload":{columns}} with Debezium's semantic
 * types: io.debezium.time.ZonedTimestamp for timestamptz, io.debezium.data.Json for the jsonb
 * resource, arrays of strings for text[].
 */
final class DebeziumEnvelope {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
  private static final ObjectNode SCHEMA = schema();

  private DebeziumEnvelope() {}

  static byte[] of(ObservationColumns c) throws Exception {
    ObjectNode payload =
        NODES.objectNode().put("id", c.id()).put("patient_id", c.patientId()).put("code", c.code());
    payload.set("codes", strings(c.codes()));
    payload.set("category", c.category() == null ? NODES.nullNode() : strings(c.category()));
    payload
        .put("effective_start", c.effectiveStart())
        .put("effective_end", c.effectiveEnd())
        .put("last_updated", c.lastUpdated())
        .put("version_id", c.versionId())
        .put("resource", c.resource());
    ObjectNode envelope = NODES.objectNode();
    envelope.set("schema", SCHEMA);
    envelope.set("payload", payload);
    return JSON.writeValueAsBytes(envelope);
  }

  private static ArrayNode strings(java.util.List<String> values) {
    ArrayNode array = NODES.arrayNode();
    values.forEach(array::add);
    return array;
  }

  private static ObjectNode schema() {
    ArrayNode fields = NODES.arrayNode();
    fields.add(field("id", "string", false, null));
    fields.add(field("patient_id", "string", false, null));
    fields.add(field("code", "string", false, null));
    fields.add(arrayField("codes", false));
    fields.add(arrayField("category", true));
    fields.add(field("effective_start", "string", true, "io.debezium.time.ZonedTimestamp"));
    fields.add(field("effective_end", "string", true, "io.debezium.time.ZonedTimestamp"));
    fields.add(field("last_updated", "string", false, "io.debezium.time.ZonedTimestamp"));
    fields.add(field("version_id", "int64", false, null));
    fields.add(field("resource", "string", false, "io.debezium.data.Json"));
    ObjectNode schema =
        NODES
            .objectNode()
            .put("type", "struct")
            .put("optional", false)
            .put("name", "fhirflow.bench.Observation");
    schema.set("fields", fields);
    return schema;
  }

  private static ObjectNode field(String name, String type, boolean optional, String semantic) {
    ObjectNode f =
        NODES.objectNode().put("field", name).put("type", type).put("optional", optional);
    if (semantic != null) {
      f.put("name", semantic);
    }
    return f;
  }

  private static ObjectNode arrayField(String name, boolean optional) {
    ObjectNode f =
        NODES.objectNode().put("field", name).put("type", "array").put("optional", optional);
    f.set("items", NODES.objectNode().put("type", "string").put("optional", false));
    return f;
  }
}

package io.fhirflow.dist;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * JSON schemas for every kind fhirflow's manifests use, applied strictly (an unknown field is an
 * error, as {@code kubeconform -strict} does):
 *
 * <ul>
 *   <li>Kubernetes kinds: the schemas fabric8 ships in its model jars ({@code
 *       schema/validation-schema.json}, Maven Central), generated from the Kubernetes API;
 *   <li>Strimzi kinds (API v1): the openAPIV3Schema of the CRDs Strimzi's own crd-generator
 *       produces from {@code io.strimzi:api}, vendored in {@code k8s/schemas/} (regenerate with
 *       {@code k8s/schemas/regenerate-strimzi.sh});
 *   <li>KEDA kinds (API v1alpha1): the openAPIV3Schema of the CRDs KEDA publishes, vendored in
 *       {@code k8s/schemas/} (regenerate with {@code k8s/schemas/regenerate-keda.sh}).
 * </ul>
 *
 * fabric8's schemas are loose where its Java model is (optional unknown fields, draft-3 style
 * {@code "required": true}, quantities and int-or-string as objects), so they are tightened here.
 */
final class ManifestSchemas {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final JsonSchemaFactory FACTORY =
      JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V7);

  /** apiVersion/kind → fabric8 definition name. */
  private static final Map<String, String> KUBERNETES =
      Map.ofEntries(
          Map.entry("v1/ConfigMap", "kubernetes_core_ConfigMap"),
          Map.entry("v1/Service", "kubernetes_core_Service"),
          Map.entry("v1/ServiceAccount", "kubernetes_core_ServiceAccount"),
          Map.entry("apps/v1/Deployment", "kubernetes_apps_Deployment"),
          Map.entry("apps/v1/StatefulSet", "kubernetes_apps_StatefulSet"),
          Map.entry("policy/v1/PodDisruptionBudget", "kubernetes_policy_v1_PodDisruptionBudget"),
          Map.entry("networking.k8s.io/v1/NetworkPolicy", "kubernetes_networking_v1_NetworkPolicy"),
          Map.entry("monitoring.coreos.com/v1/ServiceMonitor", "os_monitoring_v1_ServiceMonitor"),
          Map.entry("monitoring.coreos.com/v1/PodMonitor", "os_monitoring_v1_PodMonitor"),
          Map.entry("monitoring.coreos.com/v1/PrometheusRule", "os_monitoring_v1_PrometheusRule"));

  private final ObjectNode definitions;

  /** apiVersion/kind → vendored CRD schema (Strimzi, KEDA). */
  private final Map<String, JsonNode> customResources = new HashMap<>();

  private final Map<String, JsonSchema> compiled = new HashMap<>();

  private ManifestSchemas(ObjectNode definitions) {
    this.definitions = definitions;
  }

  /**
   * @param crdSchemas apiVersion (for example {@code kafka.strimzi.io/v1}) → folder of vendored
   *     {@code <Kind>.json} schemas
   */
  static ManifestSchemas load(Map<String, Path> crdSchemas) throws IOException {
    ObjectNode definitions = JsonNodeFactory.instance.objectNode();
    Enumeration<URL> files =
        ManifestSchemas.class.getClassLoader().getResources("schema/validation-schema.json");
    int jars = 0;
    while (files.hasMoreElements()) {
      try (InputStream in = files.nextElement().openStream()) {
        JsonNode schema = JSON.readTree(in);
        schema
            .path("definitions")
            .fields()
            .forEachRemaining(e -> definitions.putIfAbsent(e.getKey(), e.getValue()));
        jars++;
      }
    }
    if (jars == 0) {
      throw new IllegalStateException(
          "no fabric8 schema/validation-schema.json on the test class path");
    }
    // Quantities ("500m", "2Gi") and int-or-string ports are modelled as Java objects in fabric8.
    // Each model jar names them its own way (k8s_io_..._Quantity, kubernetes_resource_Quantity).
    definitions
        .fields()
        .forEachRemaining(
            e ->
                e.setValue(
                    e.getKey().endsWith("_Quantity") || e.getKey().endsWith("_IntOrString")
                        ? scalar()
                        : tighten(e.getValue(), true)));
    ManifestSchemas schemas = new ManifestSchemas(definitions);
    for (Map.Entry<String, Path> crds : crdSchemas.entrySet()) {
      try (var list = Files.list(crds.getValue())) {
        for (Path f : list.filter(p -> p.toString().endsWith(".json")).toList()) {
          String kind = f.getFileName().toString().replace(".json", "");
          schemas.customResources.put(
              crds.getKey() + "/" + kind, tighten(JSON.readTree(f.toFile()), true));
        }
      }
    }
    return schemas;
  }

  /** Validation errors of one rendered object; an unknown apiVersion/kind is an error too. */
  List<String> validate(JsonNode doc) {
    String key = doc.path("apiVersion").asText() + "/" + doc.path("kind").asText();
    JsonSchema schema = compiled.computeIfAbsent(key, this::compile);
    if (schema == null) {
      return List.of(key + ": no schema for this apiVersion/kind");
    }
    return schema.validate(doc).stream()
        .map(ValidationMessage::getMessage)
        .sorted()
        .collect(Collectors.toList());
  }

  private JsonSchema compile(String key) {
    if (customResources.containsKey(key)) {
      return FACTORY.getSchema(customResources.get(key));
    }
    String definition = KUBERNETES.get(key);
    if (definition == null || !definitions.has(definition)) {
      return null;
    }
    ObjectNode root = JsonNodeFactory.instance.objectNode();
    root.put("$ref", "#/definitions/" + definition);
    root.set("definitions", definitions);
    return FACTORY.getSchema(root);
  }

  private static ObjectNode scalar() {
    ObjectNode n = JsonNodeFactory.instance.objectNode();
    ArrayNode types = n.putArray("type");
    types.add("string").add("integer").add("number");
    return n;
  }

  /**
   * Walks a schema: {@code "required": true} on a property becomes the parent's required list; an
   * object schema that lists its properties and does not preserve unknown fields gets {@code
   * additionalProperties: false} (not inside oneOf/anyOf/allOf, whose branches only constrain);
   * Java-model, x-kubernetes and example keywords are dropped. apiVersion and kind are not required
   * where fabric8 marks them: embedded templates omit them.
   */
  static JsonNode tighten(JsonNode node, boolean closeObjects) {
    if (!(node instanceof ObjectNode schema)) {
      return node;
    }
    boolean preserveUnknown = schema.path("x-kubernetes-preserve-unknown-fields").asBoolean(false);
    List<String> drop = new ArrayList<>();
    schema
        .fieldNames()
        .forEachRemaining(
            name -> {
              if (name.startsWith("java")
                  || name.equals("existingJavaType")
                  || name.startsWith("x-kubernetes")
                  || Set.of("nullable", "serializer", "deserializer", "example").contains(name)) {
                drop.add(name);
              }
            });
    schema.remove(drop);
    if (schema.get("properties") instanceof ObjectNode properties) {
      List<String> required = new ArrayList<>();
      Iterator<Map.Entry<String, JsonNode>> it = properties.fields();
      while (it.hasNext()) {
        Map.Entry<String, JsonNode> p = it.next();
        if (p.getValue() instanceof ObjectNode prop && prop.path("required").isBoolean()) {
          if (prop.get("required").asBoolean()
              && !Set.of("apiVersion", "kind").contains(p.getKey())) {
            required.add(p.getKey());
          }
          prop.remove("required");
        }
        p.setValue(tighten(p.getValue(), true));
      }
      if (!required.isEmpty()) {
        ArrayNode list =
            schema.has("required") && schema.get("required").isArray()
                ? (ArrayNode) schema.get("required")
                : schema.putArray("required");
        required.forEach(list::add);
      }
      if (closeObjects
          && !preserveUnknown
          && (!schema.has("additionalProperties")
              || schema.get("additionalProperties").isBoolean())) {
        schema.put("additionalProperties", false);
      }
    }
    for (String single : List.of("items", "additionalProperties", "not")) {
      if (schema.get(single) instanceof ObjectNode child) {
        schema.set(single, tighten(child, true));
      }
    }
    for (String many : List.of("oneOf", "anyOf", "allOf")) {
      if (schema.get(many) instanceof ArrayNode list) {
        for (int i = 0; i < list.size(); i++) {
          list.set(i, tighten(list.get(i), false));
        }
      }
    }
    return schema;
  }
}

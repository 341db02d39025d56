package io.fhirflow.dist;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.fhirflow.contracts.PipelineTopic;
import io.fhirflow.testkit.Ci;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * k8s/ checked offline: each kustomization renders with kubectl's built-in kustomize and every
 * object validates strictly against the Kubernetes and Strimzi (API v1) schemas; then the rules
 * that make the manifests production-worthy.
 */
class KubernetesManifestsTest {

  static final Path ROOT = RepositoryRoot.find();
  static ManifestSchemas schemas;
  static final Map<String, List<JsonNode>> RENDERED = new HashMap<>();

  @BeforeAll
  static void loadSchemas() throws IOException {
    // Debian has no kubectl package; a developer machine without it skips this check, CI must not.
    Ci.assumeOutsideCi(
        Kustomize::kubectlOnPath, "kubectl is not on the PATH: manifests not rendered");
    schemas =
        ManifestSchemas.load(
            Map.of(
                "kafka.strimzi.io/v1", ROOT.resolve("k8s/schemas/strimzi-1.2.0"),
                "keda.sh/v1alpha1", ROOT.resolve("k8s/schemas/keda-2.20.2")));
  }

  static synchronized List<JsonNode> rendered(String dir) throws Exception {
    if (!RENDERED.containsKey(dir)) {
      RENDERED.put(dir, Kustomize.render(ROOT.resolve(dir)));
    }
    return RENDERED.get(dir);
  }

  @ParameterizedTest
  @ValueSource(strings = {"k8s/base", "k8s/overlays/dev", "k8s/overlays/prod"})
  void everyRenderedObjectValidatesAgainstItsKubernetesOrStrimziSchema(String dir)
      throws Exception {
    List<JsonNode> docs = rendered(dir);
    assertThat(docs).hasSizeGreaterThan(20);
    Map<String, List<String>> errors = new HashMap<>();
    for (JsonNode doc : docs) {
      List<String> e = schemas.validate(doc);
      if (!e.isEmpty()) {
        errors.put(Kustomize.id(doc), e);
      }
    }
    assertThat(errors).as(dir).isEmpty();
  }

  @Test
  void theValidatorRejectsAnUnknownFieldAWrongTypeAndAnUnknownKind() throws Exception {
    ObjectMapper yaml = new ObjectMapper(new YAMLFactory());
    JsonNode typo =
        yaml.readTree(
            """
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: x}
        spec:
          replica: 2
          selector: {matchLabels: {a: b}}
          template:
            metadata: {labels: {a: b}}
            spec:
              containers: [{name: c, image: i, ports: [{containerPort: http}]}]
        """);
    JsonNode topic =
        yaml.readTree(
            """
        apiVersion: kafka.strimzi.io/v1
        kind: KafkaTopic
        metadata: {name: t}
        spec: {partitions: many, replica: 3}
        """);
    JsonNode user =
        yaml.readTree(
            """
        apiVersion: kafka.strimzi.io/v1
        kind: KafkaUser
        metadata: {name: u}
        spec:
          authorization:
            type: simple
            acls: [{resource: {type: topic, name: t}, operation: Read}]
        """);
    assertThat(schemas.validate(typo))
        .anyMatch(m -> m.contains("replica"))
        .anyMatch(m -> m.contains("containerPort"));
    assertThat(schemas.validate(topic))
        .anyMatch(m -> m.contains("partitions"))
        .anyMatch(m -> m.contains("replica"));
    // The v1beta2 'operation' field is gone in v1: 'operations' is required.
    assertThat(schemas.validate(user)).anyMatch(m -> m.contains("operations"));
    assertThat(schemas.validate(yaml.readTree("{apiVersion: example.org/v1, kind: Widget}")))
        .isNotEmpty();
    // KEDA's kinds are checked as strictly (maxReplicas is HPA's name; KEDA's is maxReplicaCount).
    JsonNode scaled =
        yaml.readTree(
            """
        apiVersion: keda.sh/v1alpha1
        kind: ScaledObject
        metadata: {name: x}
        spec:
          scaleTargetRef: {name: x}
          maxReplicas: 3
          triggers: [{type: cpu, metadata: {value: "60"}}]
        """);
    assertThat(schemas.validate(scaled)).anyMatch(m -> m.contains("maxReplicas"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"k8s/overlays/dev", "k8s/overlays/prod"})
  void everyContainerRunsAsNonRootOnAReadOnlyRootFilesystemWithProbesAndResources(String dir)
      throws Exception {
    List<JsonNode> workloads =
        rendered(dir).stream()
            .filter(d -> Set.of("Deployment", "StatefulSet").contains(d.path("kind").asText()))
            .toList();
    assertThat(workloads).isNotEmpty();
    for (JsonNode w : workloads) {
      JsonNode pod = w.path("spec").path("template").path("spec");
      assertThat(pod.path("securityContext").path("runAsNonRoot").asBoolean())
          .as(Kustomize.id(w))
          .isTrue();
      assertThat(pod.path("automountServiceAccountToken").asBoolean(true))
          .as(Kustomize.id(w))
          .isFalse();
      for (JsonNode c : pod.path("containers")) {
        String id = Kustomize.id(w) + "/" + c.path("name").asText();
        JsonNode sc = c.path("securityContext");
        assertThat(sc.path("readOnlyRootFilesystem").asBoolean()).as(id).isTrue();
        assertThat(sc.path("allowPrivilegeEscalation").asBoolean(true)).as(id).isFalse();
        assertThat(sc.path("capabilities").path("drop").toString()).as(id).contains("ALL");
        assertThat(c.has("livenessProbe") && c.has("readinessProbe")).as(id).isTrue();
        assertThat(c.path("resources").path("requests").has("cpu")).as(id).isTrue();
        assertThat(c.path("resources").path("limits").has("memory")).as(id).isTrue();
        assertThat(c.path("image").asText()).as(id).matches("fhirflow/[a-z-]+:[a-z0-9.]+");
      }
    }
    // Strimzi's Connect pods get the same hardening through the KafkaConnect template.
    rendered(dir).stream()
        .filter(d -> d.path("kind").asText().equals("KafkaConnect"))
        .forEach(
            kc -> {
              JsonNode sc =
                  kc.path("spec").path("template").path("connectContainer").path("securityContext");
              assertThat(sc.path("readOnlyRootFilesystem").asBoolean()).isTrue();
              assertThat(
                      kc.path("spec")
                          .path("template")
                          .path("pod")
                          .path("securityContext")
                          .path("runAsNonRoot")
                          .asBoolean())
                  .isTrue();
            });
  }

  @ParameterizedTest
  @ValueSource(strings = {"k8s/overlays/dev", "k8s/overlays/prod"})
  void noSecretValueIsCommittedOnlyReferencesToSecrets(String dir) throws Exception {
    List<JsonNode> docs = rendered(dir);
    assertThat(docs).noneMatch(d -> d.path("kind").asText().equals("Secret"));
    List<String> literalSecrets = new ArrayList<>();
    for (JsonNode d : docs) {
      for (JsonNode env : d.findValues("env")) {
        for (JsonNode e : env) {
          String name = e.path("name").asText();
          if (name.matches(".*(PASSWORD|SECRET|TOKEN|_URL).*")
              && e.has("value")
              && !name.endsWith("JWKS")
              && !name.equals("FHIRFLOW_TOPOLOGY_SCHEMA_REGISTRY_URL")) {
            literalSecrets.add(Kustomize.id(d) + " " + name);
          }
        }
      }
    }
    assertThat(literalSecrets).isEmpty();
  }

  @Test
  void prodRunsTheTopologyWithStaticMembershipAStandbyReplicaAndStateOnAVolume() throws Exception {
    JsonNode sts = one("k8s/overlays/prod", "StatefulSet", "fhirflow-topology");
    assertThat(sts.path("spec").path("replicas").asInt()).isEqualTo(3);
    assertThat(
            sts.path("spec")
                .path("volumeClaimTemplates")
                .get(0)
                .path("metadata")
                .path("name")
                .asText())
        .isEqualTo("state");
    JsonNode container = sts.path("spec").path("template").path("spec").path("containers").get(0);
    Map<String, JsonNode> env = env(container);
    assertThat(env.get("KAFKA_GROUP_INSTANCE_ID").path("value").asText()).isEqualTo("$(POD_NAME)");
    assertThat(env.get("POD_NAME").path("valueFrom").path("fieldRef").path("fieldPath").asText())
        .isEqualTo("metadata.name");
    assertThat(env.get("KAFKA_NUM_STANDBY_REPLICAS").path("value").asText()).isEqualTo("1");
    assertThat(env.get("FHIRFLOW_TOPOLOGY_STATE_DIR").path("value").asText())
        .isEqualTo("/var/lib/fhirflow/state");
    assertThat(container.path("volumeMounts").findValuesAsText("mountPath"))
        .contains("/var/lib/fhirflow/state");
    assertThat(container.path("readinessProbe").path("httpGet").path("path").asText())
        .isEqualTo("/health/ready");
    assertThat(container.path("livenessProbe").path("httpGet").path("path").asText())
        .isEqualTo("/health/live");
    assertThat(
            sts.path("spec")
                .path("template")
                .path("spec")
                .path("affinity")
                .path("podAntiAffinity")
                .has("requiredDuringSchedulingIgnoredDuringExecution"))
        .isTrue();
    assertThat(one("k8s/overlays/prod", "PodDisruptionBudget", "fhirflow-topology")).isNotNull();
    assertThat(rendered("k8s/overlays/prod").stream().map(Kustomize::id))
        .contains("KafkaConnect/fhirflow-sink", "KafkaConnector/fhirflow-sink");
  }

  @Test
  void prodScalesTheSinkOnItsOwnLagWithinItsTasksAndTheApiOnCpu() throws Exception {
    String prod = "k8s/overlays/prod";
    JsonNode sink = one(prod, "ScaledObject", "fhirflow-sink");
    JsonNode target = sink.path("spec").path("scaleTargetRef");
    JsonNode connect = one(prod, target.path("kind").asText(), target.path("name").asText());
    JsonNode connector = one(prod, "KafkaConnector", "fhirflow-sink");
    JsonNode trigger = sink.path("spec").path("triggers").get(0);
    assertThat(trigger.path("type").asText()).isEqualTo("kafka");
    // The lag KEDA reads is the connector's own consumer group, on the broker the workers use.
    assertThat(trigger.path("metadata").path("consumerGroup").asText())
        .isEqualTo("connect-" + connector.path("metadata").path("name").asText());
    assertThat(trigger.path("metadata").path("bootstrapServers").asText())
        .isEqualTo(connect.path("spec").path("bootstrapServers").asText());
    int max = sink.path("spec").path("maxReplicaCount").asInt();
    // A worker beyond the connector's tasks (or the topic's partitions) would idle.
    assertThat(max)
        .isLessThanOrEqualTo(connector.path("spec").path("tasksMax").asInt())
        .isLessThanOrEqualTo(
            one(prod, "KafkaTopic", "fhir-r4-observation").path("spec").path("partitions").asInt());
    assertThat(sink.path("spec").path("minReplicaCount").asInt()).isGreaterThanOrEqualTo(2);
    // The scaler's KafkaUser and secrets exist, and it may only describe.
    String auth = trigger.path("authenticationRef").path("name").asText();
    JsonNode authentication = one(prod, "TriggerAuthentication", auth);
    JsonNode user = one(prod, "KafkaUser", "fhirflow-keda");
    assertThat(authentication.path("spec").path("secretTargetRef").findValuesAsText("name"))
        .contains("fhirflow-keda");
    assertThat(user.path("spec").path("authorization").path("acls").findValues("operations"))
        .hasSize(2);
    assertThat(user.path("spec").path("authorization").path("acls").findValues("operations"))
        .allSatisfy(ops -> assertThat(ops.toString()).isEqualTo("[\"Describe\"]"));

    JsonNode api = one(prod, "ScaledObject", "fhirflow-fhir-api");
    assertThat(
            one(prod, "Deployment", api.path("spec").path("scaleTargetRef").path("name").asText()))
        .isNotNull();
    assertThat(api.path("spec").path("triggers").get(0).path("type").asText()).isEqualTo("cpu");
    // The topology is sized by plan, never scaled by an autoscaler (state restores on every move).
    assertThat(
            rendered(prod).stream()
                .filter(d -> d.path("kind").asText().equals("ScaledObject"))
                .map(d -> d.path("spec").path("scaleTargetRef").path("name").asText()))
        .doesNotContain("fhirflow-topology");
  }

  @Test
  void devRunsTheSinkAsAConnectStandaloneDeploymentInsteadOfStrimziConnect() throws Exception {
    List<String> ids = rendered("k8s/overlays/dev").stream().map(Kustomize::id).toList();
    assertThat(ids)
        .contains("Deployment/fhirflow-sink")
        .doesNotContain("KafkaConnect/fhirflow-sink", "KafkaConnector/fhirflow-sink");
    JsonNode sink = one("k8s/overlays/dev", "Deployment", "fhirflow-sink");
    JsonNode container = sink.path("spec").path("template").path("spec").path("containers").get(0);
    // fhirflow's runner (its health follows the tasks), on the plugin's jars as the image lays them
    // out.
    assertThat(container.path("command").get(0).asText()).endsWith("kafka-run-class.sh");
    assertThat(container.path("args").get(0).asText())
        .isEqualTo(io.fhirflow.sink.standalone.StandaloneSink.class.getName());
    String classpath =
        container.findValues("env").get(0).findParents("name").stream()
            .filter(e -> e.path("name").asText().equals("CLASSPATH"))
            .findFirst()
            .orElseThrow()
            .path("value")
            .asText();
    assertThat(Files.readString(ROOT.resolve("docker/sink-connect/Dockerfile")))
        .contains(" " + classpath.replace("*", "") + "\n");
    assertThat(container.path("readinessProbe").path("httpGet").path("path").asText())
        .isEqualTo("/health/ready");
    assertThat(container.path("livenessProbe").path("httpGet").path("path").asText())
        .isEqualTo("/health/live");
    JsonNode policy = one("k8s/overlays/dev", "NetworkPolicy", "fhirflow-sink");
    assertThat(
            policy
                .path("spec")
                .path("podSelector")
                .path("matchLabels")
                .path("app.kubernetes.io/name")
                .asText())
        .isEqualTo("fhirflow-sink");
    assertThat(rendered("k8s/overlays/dev"))
        .allSatisfy(
            d ->
                assertThat(d.path("metadata").path("namespace").asText("fhirflow-dev"))
                    .isEqualTo("fhirflow-dev"));
  }

  @Test
  void theTopologyConfigMapIsConfigTopologyPropertiesVerbatim() throws Exception {
    JsonNode cm =
        rendered("k8s/overlays/prod").stream()
            .filter(
                d ->
                    d.path("kind").asText().equals("ConfigMap")
                        && d.path("metadata")
                            .path("name")
                            .asText()
                            .startsWith("fhirflow-topology-config"))
            .findFirst()
            .orElseThrow();
    assertThat(cm.path("data").path("topology.properties").asText())
        .isEqualTo(Files.readString(ROOT.resolve("config/topology.properties")));
    // The StatefulSet mounts the generated (hash-suffixed) name, so a config change rolls the pods.
    JsonNode sts = one("k8s/overlays/prod", "StatefulSet", "fhirflow-topology");
    assertThat(sts.findValuesAsText("name")).contains(cm.path("metadata").path("name").asText());
  }

  @Test
  void theSinkConnectorResourcesCarryTheKeysOfTheLocalConnectorConfig() throws Exception {
    Set<String> local = keys(ROOT.resolve("config/fhir-sink-connector.properties"));
    Set<String> standalone =
        keys(ROOT.resolve("k8s/components/sink-standalone/connector.properties"));
    JsonNode connector = one("k8s/overlays/prod", "KafkaConnector", "fhirflow-sink");
    Set<String> strimzi = new TreeSet<>();
    connector.path("spec").path("config").fieldNames().forEachRemaining(strimzi::add);
    // tasks.max is a deployment's choice: the local file leaves it at Connect's default (1).
    assertThat(local).doesNotContain("tasks.max");
    Set<String> localAndTasks = new TreeSet<>(local);
    localAndTasks.add("tasks.max");
    assertThat(standalone).isEqualTo(localAndTasks);
    // Strimzi takes name, class and tasks from the resource itself.
    Set<String> expected = new TreeSet<>(local);
    expected.removeAll(Set.of("name", "connector.class"));
    assertThat(strimzi).isEqualTo(expected);
  }

  @Test
  void everyTopicTheServicesUseIsAKafkaTopicResource() throws Exception {
    Set<String> topics =
        rendered("k8s/overlays/prod").stream()
            .filter(d -> d.path("kind").asText().equals("KafkaTopic"))
            .map(d -> d.path("spec").path("topicName").asText())
            .collect(Collectors.toSet());
    Properties topology = new Properties();
    try (Reader r = Files.newBufferedReader(ROOT.resolve("config/topology.properties"))) {
      topology.load(r);
    }
    Set<String> used = new TreeSet<>();
    topology.stringPropertyNames().stream()
        .filter(k -> k.startsWith("topic."))
        .forEach(k -> used.add(topology.getProperty(k)));
    used.addAll(
        List.of(
            PipelineTopic.Names.FHIR_DEAD_LETTER,
            PipelineTopic.Names.AUDIT_EVENT,
            PipelineTopic.Names.RAW,
            PipelineTopic.Names.RAW_DEAD_LETTER));
    assertThat(topics).containsAll(used);
    assertThat(
            one("k8s/overlays/prod", "KafkaTopic", "fhir-r4-patient")
                .path("spec")
                .path("config")
                .path("cleanup.policy")
                .asText())
        .isEqualTo("compact");
  }

  private static Set<String> keys(Path properties) throws IOException {
    Properties p = new Properties();
    try (Reader r = Files.newBufferedReader(properties)) {
      p.load(r);
    }
    return new TreeSet<>(p.stringPropertyNames());
  }

  private static Map<String, JsonNode> env(JsonNode container) {
    return StreamSupport.stream(container.path("env").spliterator(), false)
        .collect(Collectors.toMap(e -> e.path("name").asText(), e -> e, (a, b) -> b));
  }

  private static JsonNode one(String dir, String kind, String name) throws Exception {
    return rendered(dir).stream()
        .filter(
            d ->
                d.path("kind").asText().equals(kind)
                    && d.path("metadata").path("name").asText().equals(name))
        .findFirst()
        .orElseThrow(() -> new AssertionError(kind + "/" + name + " not rendered in " + dir));
  }
}

package io.fhirflow.dist;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import io.fhirflow.cli.tenant.TenantResources;
import io.fhirflow.contracts.PipelineTopic;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * What {@code fhirflow tenant add NAME --strimzi} prints (docs/tenants.md) validates against the
 * Strimzi schemas the manifests are checked with: a KafkaTopic and a KafkaUser.
 */
class TenantStrimziResourcesTest {

  @Test
  void theRenderedKafkaTopicAndKafkaUserValidate() throws Exception {
    Path root = RepositoryRoot.find();
    ManifestSchemas schemas =
        ManifestSchemas.load(
            Map.of("kafka.strimzi.io/v1", root.resolve("k8s/schemas/strimzi-1.2.0")));
    String yaml =
        new TenantResources(
                "acme",
                PipelineTopic.RAW.defaultName(),
                PipelineTopic.RAW_DEAD_LETTER.defaultName())
            .strimziYaml("fhirflow", 12, 3);
    ObjectMapper mapper = new ObjectMapper(new YAMLFactory());
    List<JsonNode> docs = new ArrayList<>();
    try (YAMLParser parser = new YAMLFactory().createParser(yaml)) {
      mapper.readValues(parser, JsonNode.class).forEachRemaining(docs::add);
    }
    assertThat(docs)
        .extracting(d -> d.get("kind").asText())
        .containsExactly("KafkaTopic", "KafkaUser");
    for (JsonNode doc : docs) {
      assertThat(schemas.validate(doc)).as(doc.get("kind").asText()).isEmpty();
    }
  }
}

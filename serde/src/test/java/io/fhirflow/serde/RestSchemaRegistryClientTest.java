package io.fhirflow.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fhirflow.contracts.PipelineTopic;
import io.fhirflow.schema.WearableSample;
import io.fhirflow.testkit.WearableSamples;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class RestSchemaRegistryClientTest {

  private static final String SUBJECT = "wearable.samples.raw-value";
  private static final Schema SCHEMA = WearableSample.getClassSchema();
  private static final Schema OTHER =
      new Schema.Parser()
          .parse(
              "{\"type\":\"record\",\"name\":\"Other\",\"fields\":[{\"name\":\"x\",\"type\":\"int\"}]}");

  private ConfluentRegistryServer server;

  @AfterEach
  void stopServer() {
    if (server != null) {
      server.close();
    }
  }

  private RestSchemaRegistryClient client(String... extra) {
    Map<String, Object> config =
        new HashMap<>(Map.of(SerdeConfig.SCHEMA_REGISTRY_URL_CONFIG, server.url()));
    for (int i = 0; i < extra.length; i += 2) {
      config.put(extra[i], extra[i + 1]);
    }
    return RestSchemaRegistryClient.fromConfig(new SerdeConfig(config));
  }

  /** A client that sends {@code userInfo} ("user:password") as basic auth credentials. */
  private RestSchemaRegistryClient clientWithUserInfo(String userInfo) {
    return client(
        SerdeConfig.BASIC_AUTH_CREDENTIALS_SOURCE_CONFIG,
        "USER_INFO",
        SerdeConfig.BASIC_AUTH_USER_INFO_CONFIG,
        userInfo);
  }

  @Test
  void registersLooksUpAndFetchesSchemasOverHttp() throws Exception {
    server = new ConfluentRegistryServer(null);

    int id = client().register(SUBJECT, SCHEMA);

    assertThat(client().lookupId(SUBJECT, SCHEMA)).isEqualTo(id);
    assertThat(client().schemaById(id)).isEqualTo(SCHEMA);
    RegisteredSchema latest = client().latestVersion(SUBJECT);
    assertThat(latest).isEqualTo(new RegisteredSchema(SUBJECT, id, 1, SCHEMA));
  }

  @Test
  void fetchingAnIdTwiceMakesOneHttpCall() throws Exception {
    server = new ConfluentRegistryServer(null);
    int id = server.registry().register(SUBJECT, SCHEMA);
    RestSchemaRegistryClient client = client();

    client.schemaById(id);
    client.schemaById(id);

    assertThat(server.requests("GET /schemas/ids/" + id)).isEqualTo(1);
  }

  @Test
  void registeringTwiceMakesOneHttpCallAndFillsTheIdCache() throws Exception {
    server = new ConfluentRegistryServer(null);
    RestSchemaRegistryClient client = client();

    int id = client.register(SUBJECT, SCHEMA);
    client.register(SUBJECT, SCHEMA);
    client.lookupId(SUBJECT, SCHEMA);
    client.schemaById(id);

    assertThat(server.totalRequests()).isEqualTo(1);
  }

  @Test
  void latestVersionIsCachedForItsTimeToLive() throws Exception {
    server = new ConfluentRegistryServer(null);
    server.registry().register(SUBJECT, SCHEMA);
    RestSchemaRegistryClient forever = client();
    RestSchemaRegistryClient uncached = client(SerdeConfig.LATEST_CACHE_TTL_SEC_CONFIG, "0");

    forever.latestVersion(SUBJECT);
    forever.latestVersion(SUBJECT);
    uncached.latestVersion(SUBJECT);
    uncached.latestVersion(SUBJECT);

    assertThat(server.requests("GET /subjects/" + SUBJECT + "/versions/latest")).isEqualTo(3);
  }

  @Test
  void sendsBasicAuthCredentialsFromUserInfo() throws Exception {
    server = new ConfluentRegistryServer("fhirflow:s3cret-pw");

    RestSchemaRegistryClient client = clientWithUserInfo("fhirflow:s3cret-pw");

    assertThat(client.register(SUBJECT, SCHEMA)).isPositive();
  }

  @Test
  void takesBasicAuthCredentialsFromTheUrl() throws Exception {
    server = new ConfluentRegistryServer("fhirflow:s3cret-pw");
    String url = server.url().replace("http://", "http://fhirflow:s3cret-pw@");

    RestSchemaRegistryClient client =
        RestSchemaRegistryClient.fromConfig(
            new SerdeConfig(Map.of(SerdeConfig.SCHEMA_REGISTRY_URL_CONFIG, url)));

    assertThat(client.register(SUBJECT, SCHEMA)).isPositive();
  }

  @Test
  void refusedCredentialsAreAClearErrorThatDoesNotQuoteThem() throws Exception {
    server = new ConfluentRegistryServer("fhirflow:s3cret-pw");

    RestSchemaRegistryClient client = clientWithUserInfo("fhirflow:wrong-pw");

    assertThatThrownBy(() -> client.schemaById(1))
        .isInstanceOfSatisfying(
            SchemaRegistryException.class,
            e -> {
              assertThat(e.status()).isEqualTo(401);
              assertThat(e.errorCode()).isEqualTo(40101);
              assertThat(e.getMessage())
                  .contains("refused the credentials")
                  .doesNotContain("wrong-pw");
            });
  }

  @Test
  void unknownIdIsNotFoundWithConfluentsErrorCode() throws Exception {
    server = new ConfluentRegistryServer(null);

    assertThatThrownBy(() -> client().schemaById(42))
        .isInstanceOfSatisfying(
            SchemaRegistryException.class,
            e -> {
              assertThat(e.isNotFound()).isTrue();
              assertThat(e.errorCode()).isEqualTo(SchemaRegistryException.SCHEMA_NOT_FOUND);
            });
  }

  @Test
  void aWrongBaseUrlIsARegistryFailureNotAnUnknownSchema() throws Exception {
    server = new ConfluentRegistryServer(null);
    int id = server.registry().register(SUBJECT, SCHEMA);
    SpecificAvroDeserializer<WearableSample> deserializer =
        new SpecificAvroDeserializer<>(WearableSample.class);
    deserializer.configure(
        Map.of(SerdeConfig.SCHEMA_REGISTRY_URL_CONFIG, server.url() + "/apis/ccompat/v7"), false);

    assertThatThrownBy(
            () ->
                deserializer.deserialize(
                    PipelineTopic.Names.RAW, new byte[] {0, 0, 0, 0, (byte) id, 2}))
        .isInstanceOfSatisfying(
            SchemaRegistryException.class, e -> assertThat(e.isNotFound()).isFalse())
        .isNotInstanceOf(BadRecordException.class);
  }

  @Test
  void checksCompatibilityAgainstTheLatestVersion() throws Exception {
    server = new ConfluentRegistryServer(null);
    RestSchemaRegistryClient client = client();

    assertThat(client.isCompatibleWithLatest(SUBJECT, SCHEMA)).isTrue();
    client.register(SUBJECT, SCHEMA);
    assertThat(client.isCompatibleWithLatest(SUBJECT, SCHEMA)).isTrue();
    assertThat(client.isCompatibleWithLatest(SUBJECT, OTHER)).isFalse();
  }

  @Test
  void triesTheNextUrlWhenOneIsUnreachable() throws Exception {
    server = new ConfluentRegistryServer(null);
    // Nothing listens on port 1 of loopback.
    RestSchemaRegistryClient client =
        RestSchemaRegistryClient.fromConfig(
            new SerdeConfig(
                Map.of(
                    SerdeConfig.SCHEMA_REGISTRY_URL_CONFIG, "http://127.0.0.1:1," + server.url())));

    assertThat(client.register(SUBJECT, SCHEMA)).isPositive();
  }

  @Test
  void aRegistryThatDoesNotAnswerTimesOut() throws Exception {
    server = new ConfluentRegistryServer(null);
    server.stall();
    RestSchemaRegistryClient client =
        new RestSchemaRegistryClient(
            List.of(server.url()),
            null,
            Duration.ofSeconds(2),
            Duration.ofMillis(300),
            10,
            null,
            null);

    assertThatThrownBy(() -> client.schemaById(1))
        .isInstanceOf(SchemaRegistryException.class)
        .hasMessageContaining("timed out");
  }

  @Test
  void serdeRoundTripsEveryBodyKindThroughTheHttpRegistry() throws Exception {
    server = new ConfluentRegistryServer("fhirflow:s3cret-pw");
    Map<String, Object> config =
        Map.of(
            SerdeConfig.SCHEMA_REGISTRY_URL_CONFIG,
            server.url(),
            SerdeConfig.BASIC_AUTH_CREDENTIALS_SOURCE_CONFIG,
            "USER_INFO",
            SerdeConfig.BASIC_AUTH_USER_INFO_CONFIG,
            "fhirflow:s3cret-pw");
    SpecificAvroSerializer<WearableSample> serializer = new SpecificAvroSerializer<>();
    serializer.configure(config, false);
    SpecificAvroDeserializer<WearableSample> deserializer =
        new SpecificAvroDeserializer<>(WearableSample.class);
    deserializer.configure(config, false);

    for (WearableSample sample : WearableSamples.oneOfEachKind()) {
      assertThat(
              deserializer.deserialize(
                  PipelineTopic.Names.RAW, serializer.serialize(PipelineTopic.Names.RAW, sample)))
          .isEqualTo(sample);
    }
    assertThat(server.totalRequests()).isEqualTo(2);
  }

  @Test
  void serializerReportsARejectedSchemaAsIncompatible() throws Exception {
    server = new ConfluentRegistryServer(null);
    server.registry().register(SUBJECT, OTHER);
    SpecificAvroSerializer<WearableSample> serializer = new SpecificAvroSerializer<>();
    serializer.configure(Map.of(SerdeConfig.SCHEMA_REGISTRY_URL_CONFIG, server.url()), false);

    assertThatThrownBy(
            () ->
                serializer.serialize(
                    PipelineTopic.Names.RAW, WearableSamples.healthKitHeartRate().build()))
        .isInstanceOf(IncompatibleSchemaException.class);
  }

  @Test
  void deserializerReportsAnIdTheRegistryDoesNotKnowAsUnknown() throws Exception {
    server = new ConfluentRegistryServer(null);
    SpecificAvroDeserializer<WearableSample> deserializer =
        new SpecificAvroDeserializer<>(WearableSample.class);
    deserializer.configure(Map.of(SerdeConfig.SCHEMA_REGISTRY_URL_CONFIG, server.url()), false);

    assertThatThrownBy(
            () -> deserializer.deserialize(PipelineTopic.Names.RAW, new byte[] {0, 0, 0, 0, 7, 2}))
        .isInstanceOf(UnknownSchemaIdException.class);
  }
}

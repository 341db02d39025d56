package io.fhirflow.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fhirflow.contracts.PipelineTopic;
import io.fhirflow.schema.WearableSample;
import io.fhirflow.testkit.WearableSamples;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Consumer;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class SpecificAvroSerdeTest {

  private static final String TOPIC = PipelineTopic.Names.RAW;
  private static final String SUBJECT = TOPIC + "-value";

  private final String scope = "serde-test-" + UUID.randomUUID();
  private final MockSchemaRegistryClient registry = MockSchemaRegistryClient.forScope(scope);
  private final SpecificAvroSerializer<WearableSample> serializer = new SpecificAvroSerializer<>();
  private final SpecificAvroDeserializer<WearableSample> deserializer =
      new SpecificAvroDeserializer<>(WearableSample.class);

  SpecificAvroSerdeTest() {
    serializer.configure(config(), false);
    deserializer.configure(config(), false);
  }

  private Map<String, Object> config(Object... more) {
    Map<String, Object> config =
        new java.util.HashMap<>(Map.of(SerdeConfig.SCHEMA_REGISTRY_URL_CONFIG, "mock://" + scope));
    for (int i = 0; i < more.length; i += 2) {
      config.put((String) more[i], more[i + 1]);
    }
    return config;
  }

  @AfterEach
  void dropScope() {
    MockSchemaRegistryClient.dropScope(scope);
  }

  static List<WearableSample> everyBodyKind() {
    return WearableSamples.oneOfEachKind();
  }

  @ParameterizedTest
  @MethodSource("everyBodyKind")
  void roundTripsEveryBodyKindThroughTheWireFormat(WearableSample sample) {
    byte[] bytes = serializer.serialize(TOPIC, sample);

    assertThat(bytes[0]).isEqualTo(WireFormat.MAGIC_BYTE);
    assertThat(ByteBuffer.wrap(bytes, 1, 4).getInt())
        .isEqualTo(registry.lookupId(SUBJECT, WearableSample.getClassSchema()));
    assertThat(deserializer.deserialize(TOPIC, bytes)).isEqualTo(sample);
  }

  @Test
  void roundTripsADeletionEvent() {
    WearableSample deletion =
        WearableSamples.deletionOf(WearableSamples.healthConnectHeartRateSeries().build());

    assertThat(deserializer.deserialize(TOPIC, serializer.serialize(TOPIC, deletion)))
        .isEqualTo(deletion);
  }

  @Test
  void registersTheSchemaUnderTheTopicValueSubjectOnce() {
    serializer.serialize(TOPIC, WearableSamples.healthKitHeartRate().build());
    serializer.serialize(TOPIC, WearableSamples.healthConnectSteps().build());

    RegisteredSchema latest = registry.latestVersion(SUBJECT);
    assertThat(latest.version()).isEqualTo(1);
    assertThat(latest.schema()).isEqualTo(WearableSample.getClassSchema());
  }

  @Test
  void keySerializerUsesTheTopicKeySubject() {
    SpecificAvroSerializer<WearableSample> keys = new SpecificAvroSerializer<>();
    keys.configure(config(), true);
    keys.serialize(TOPIC, WearableSamples.healthKitHeartRate().build());

    assertThat(registry.latestVersion(TOPIC + "-key").schema())
        .isEqualTo(WearableSample.getClassSchema());
  }

  @Test
  void readsFromAByteBufferSliceWithoutCopying() {
    WearableSample sample = WearableSamples.healthConnectHeartRateSeries().build();
    byte[] bytes = serializer.serialize(TOPIC, sample);
    byte[] padded = new byte[bytes.length + 7];
    System.arraycopy(bytes, 0, padded, 3, bytes.length);

    ByteBuffer slice = ByteBuffer.wrap(padded, 3, bytes.length);
    assertThat(deserializer.deserialize(TOPIC, null, slice)).isEqualTo(sample);
  }

  @Test
  void oneInstanceServesManyThreadsAtOnce() throws Exception {
    // Kafka Streams shares one deserializer between stream threads, and a producer is thread-safe.
    List<WearableSample> samples = WearableSamples.oneOfEachKind();
    Schema older = withoutFields(WearableSample.getClassSchema(), "timeZone");
    byte[] olderBytes = framed(registry.register(SUBJECT, older), writeAs(older, samples.get(0)));
    WearableSample olderRead = WearableSample.newBuilder(samples.get(0)).setTimeZone(null).build();
    java.util.concurrent.ExecutorService pool =
        java.util.concurrent.Executors.newFixedThreadPool(4);
    try {
      List<java.util.concurrent.Future<Integer>> results = new java.util.ArrayList<>();
      for (int t = 0; t < 4; t++) {
        results.add(
            pool.submit(
                () -> {
                  int checked = 0;
                  for (int i = 0; i < 500; i++) {
                    WearableSample sample = samples.get(i % samples.size());
                    assertThat(deserializer.deserialize(TOPIC, serializer.serialize(TOPIC, sample)))
                        .isEqualTo(sample);
                    assertThat(deserializer.deserialize(TOPIC, olderBytes)).isEqualTo(olderRead);
                    checked++;
                  }
                  return checked;
                }));
      }
      for (java.util.concurrent.Future<Integer> result : results) {
        assertThat(result.get(60, java.util.concurrent.TimeUnit.SECONDS)).isEqualTo(500);
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void passesNullThroughForTombstones() {
    assertThat(serializer.serialize(TOPIC, null)).isNull();
    assertThat(deserializer.deserialize(TOPIC, (byte[]) null)).isNull();
  }

  @Test
  void serdeConfiguredByUrlSharesTheMockRegistryOfItsScope() {
    SpecificAvroSerde<WearableSample> serde = new SpecificAvroSerde<>(WearableSample.class);
    serde.configure(config(), false);
    WearableSample sample = WearableSamples.healthConnectSleepSession().build();

    byte[] bytes = serde.serializer().serialize(TOPIC, sample);

    assertThat(deserializer.deserialize(TOPIC, bytes)).isEqualTo(sample);
    assertThat(registry.latestVersion(SUBJECT).id())
        .isEqualTo(ByteBuffer.wrap(bytes, 1, 4).getInt());
  }

  @Test
  void serdeHalvesShareOneRegistryClientAndItsCache() throws Exception {
    try (ConfluentRegistryServer server = new ConfluentRegistryServer(null)) {
      SpecificAvroSerde<WearableSample> serde = new SpecificAvroSerde<>(WearableSample.class);
      serde.configure(Map.of(SerdeConfig.SCHEMA_REGISTRY_URL_CONFIG, server.url()), false);
      WearableSample sample = WearableSamples.healthKitSleepCore().build();

      assertThat(
              serde.deserializer().deserialize(TOPIC, serde.serializer().serialize(TOPIC, sample)))
          .isEqualTo(sample);
      // The register call filled the id cache, so reading needs no GET /schemas/ids/{id}.
      assertThat(server.totalRequests()).isEqualTo(1);
      serde.close();
    }
  }

  @Test
  void deserializerCreatedByClassNameReadsTheConfiguredValueType() {
    SpecificAvroDeserializer<WearableSample> byName = new SpecificAvroDeserializer<>();
    byName.configure(
        config(SerdeConfig.SPECIFIC_AVRO_VALUE_TYPE_CONFIG, WearableSample.class.getName()), false);
    WearableSample sample = WearableSamples.healthKitRun().build();

    assertThat(byName.deserialize(TOPIC, serializer.serialize(TOPIC, sample))).isEqualTo(sample);
  }

  @Test
  void readsRecordsWrittenWithAnOlderSchemaIntoTheCurrentClass() throws Exception {
    // The older schema lacks two optional fields; the reader fills their defaults.
    Schema older = withoutFields(WearableSample.getClassSchema(), "timeZone", "creationTime");
    WearableSample current = WearableSamples.healthKitHeartRate().build();
    int olderId = registry.register(SUBJECT, older);

    WearableSample read = deserializer.deserialize(TOPIC, framed(olderId, writeAs(older, current)));

    WearableSample expected =
        WearableSample.newBuilder(current).setTimeZone(null).setCreationTime(null).build();
    assertThat(read).isEqualTo(expected);
  }

  @Test
  void readsRecordsWhoseWriterSchemaHasNoJavaStringHints() throws Exception {
    // What a Python or Go producer registers: the .avsc as written, without avro.java.string.
    Schema plain =
        new Schema.Parser()
            .parse(
                WearableSample.getClassSchema()
                    .toString()
                    .replace(",\"avro.java.string\":\"String\"", ""));
    assertThat(plain.toString()).doesNotContain("avro.java.string");
    WearableSample sample = WearableSamples.healthConnectSleepSession().build();
    int id = registry.register(SUBJECT, plain);

    assertThat(deserializer.deserialize(TOPIC, framed(id, writeAs(plain, sample))))
        .isEqualTo(sample);
  }

  @Test
  void unknownSchemaIdIsATypedErrorNamingTheTopic() {
    byte[] bytes = serializer.serialize(TOPIC, WearableSamples.healthKitHeartRate().build());
    bytes[4] = 99;

    assertThatThrownBy(() -> deserializer.deserialize(TOPIC, bytes))
        .isInstanceOfSatisfying(
            UnknownSchemaIdException.class,
            e -> {
              assertThat(e.reasonCode()).isEqualTo("UNKNOWN_SCHEMA_ID");
              assertThat(e.topic()).isEqualTo(TOPIC);
              assertThat(e.schemaId()).isEqualTo(ByteBuffer.wrap(bytes, 1, 4).getInt());
            })
        .isInstanceOf(SerializationException.class);
  }

  @Test
  void bytesWithAnotherMagicByteAreNotWireFormat() {
    byte[] bytes = serializer.serialize(TOPIC, WearableSamples.healthKitHeartRate().build());
    bytes[0] = 1;

    assertNotWireFormat(bytes);
  }

  @Test
  void jsonTextIsNotWireFormat() {
    assertNotWireFormat(
        "{\"userId\":\"user-0001\",\"value\":72}"
            .getBytes(java.nio.charset.StandardCharsets.UTF_8));
  }

  @Test
  void recordsShorterThanTheHeaderAreNotWireFormat() {
    assertNotWireFormat(new byte[] {0, 0, 1});
    assertNotWireFormat(new byte[0]);
  }

  private void assertNotWireFormat(byte[] bytes) {
    assertBadRecord(bytes, NotWireFormatException.class, "NOT_WIRE_FORMAT", e -> {});
  }

  /**
   * Deserializing {@code bytes} fails as {@code type} with {@code reason}, naming the topic and
   * quoting nothing of the record, and satisfying {@code more}.
   */
  private <E extends BadRecordException> void assertBadRecord(
      byte[] bytes, Class<E> type, String reason, Consumer<E> more) {
    assertThatThrownBy(() -> deserializer.deserialize(TOPIC, bytes))
        .isInstanceOfSatisfying(
            type,
            e -> {
              assertThat(e.reasonCode()).isEqualTo(reason);
              assertThat(e.getMessage()).contains("topic=" + TOPIC).doesNotContain("user-0001");
              more.accept(e);
            });
  }

  @Test
  void truncatedBodyIsCorrupt() {
    byte[] bytes = serializer.serialize(TOPIC, WearableSamples.healthKitBloodPressure().build());

    assertCorrupt(Arrays.copyOf(bytes, bytes.length - 9));
  }

  @Test
  void headerWithoutBodyIsCorrupt() {
    byte[] bytes = serializer.serialize(TOPIC, WearableSamples.healthKitHeartRate().build());

    assertCorrupt(Arrays.copyOf(bytes, WireFormat.HEADER_SIZE));
  }

  @Test
  void garbageAfterAValidHeaderIsCorrupt() {
    byte[] bytes = serializer.serialize(TOPIC, WearableSamples.healthKitHeartRate().build());
    byte[] garbage = Arrays.copyOf(bytes, 64);
    Arrays.fill(garbage, WireFormat.HEADER_SIZE, garbage.length, (byte) 0xff);

    assertCorrupt(garbage);
  }

  @Test
  void bytesLeftOverAfterTheRecordAreCorrupt() {
    byte[] bytes = serializer.serialize(TOPIC, WearableSamples.healthKitHeartRate().build());

    assertCorrupt(Arrays.copyOf(bytes, bytes.length + 3));
  }

  @Test
  void absurdCollectionSizeIsCorruptInsteadOfExhaustingMemory() throws Exception {
    // A Health Connect heart-rate series whose sample count claims a billion items.
    WearableSample sample = WearableSamples.healthConnectHeartRateSeries().build();
    byte[] bytes = serializer.serialize(TOPIC, sample);
    byte[] tail = encodedTailFromSeriesCount(sample);
    int countAt = bytes.length - tail.length;
    ByteArrayOutputStream forged = new ByteArrayOutputStream();
    forged.write(bytes, 0, countAt);
    BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(forged, null);
    encoder.writeLong(1_000_000_000L);
    encoder.flush();
    forged.write(bytes, countAt + 1, bytes.length - countAt - 1);

    assertCorrupt(forged.toByteArray());
  }

  @Test
  void absurdStringLengthIsCorruptInsteadOfExhaustingMemory() throws Exception {
    byte[] bytes = serializer.serialize(TOPIC, WearableSamples.healthKitHeartRate().build());
    // The body starts with userId: its length as a zig-zag varint (9 → one byte), then the text.
    assertThat(bytes[WireFormat.HEADER_SIZE])
        .isEqualTo((byte) (WearableSamples.USER_ID.length() * 2));
    ByteArrayOutputStream forged = new ByteArrayOutputStream();
    forged.write(bytes, 0, WireFormat.HEADER_SIZE);
    BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(forged, null);
    encoder.writeLong(2_000_000_000L);
    encoder.flush();
    forged.write(bytes, WireFormat.HEADER_SIZE + 1, bytes.length - WireFormat.HEADER_SIZE - 1);

    assertCorrupt(forged.toByteArray());
  }

  /** The encoding of the body from the series' sample count (a 1-byte varint, 5) to the end. */
  private static byte[] encodedTailFromSeriesCount(WearableSample sample) throws Exception {
    io.fhirflow.schema.HcSeries series = (io.fhirflow.schema.HcSeries) sample.getBody();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(out, null);
    new org.apache.avro.specific.SpecificDatumWriter<>(
            io.fhirflow.schema.HcSeries.getClassSchema(),
            org.apache.avro.specific.SpecificData.getForClass(io.fhirflow.schema.HcSeries.class))
        .write(series, encoder);
    encoder.flush();
    assertThat(out.toByteArray()[0]).isEqualTo((byte) (series.getSamples().size() * 2));
    return out.toByteArray();
  }

  private void assertCorrupt(byte[] bytes) {
    assertBadRecord(
        bytes, CorruptBodyException.class, "CORRUPT_BODY", e -> assertThat(e.getCause()).isNull());
  }

  @Test
  void writerSchemaThatCannotBeResolvedIsIncompatible() {
    Schema alien =
        new Schema.Parser()
            .parse(
                "{\"type\":\"record\",\"name\":\"WearableSample\",\"namespace\":\"io.fhirflow.schema\","
                    + "\"fields\":[{\"name\":\"userId\",\"type\":\"long\"}]}");
    int id = registry.register("other-value", alien);

    assertThatThrownBy(() -> deserializer.deserialize(TOPIC, framed(id, new byte[] {2})))
        .isInstanceOfSatisfying(
            IncompatibleSchemaException.class,
            e -> assertThat(e.reasonCode()).isEqualTo("INCOMPATIBLE_SCHEMA"));
  }

  @Test
  void coordinatesAttachedByTheCallerAppearInTheMessage() {
    NotWireFormatException e = new NotWireFormatException(TOPIC, "test");

    assertThat(e.at(3, 4711L).getMessage())
        .contains("topic=" + TOPIC, "partition=3", "offset=4711", "reason=NOT_WIRE_FORMAT");
    assertThat(e.partition()).hasValue(3);
    assertThat(e.offset()).hasValue(4711L);
  }

  @Test
  void schemaTheSubjectRejectsIsIncompatibleOnWrite() {
    Schema alien =
        new Schema.Parser()
            .parse(
                "{\"type\":\"record\",\"name\":\"Other\",\"fields\":[{\"name\":\"x\",\"type\":\"int\"}]}");
    registry.register(SUBJECT, alien);

    assertThatThrownBy(
            () -> serializer.serialize(TOPIC, WearableSamples.healthKitHeartRate().build()))
        .isInstanceOfSatisfying(
            IncompatibleSchemaException.class, e -> assertThat(e.topic()).isEqualTo(TOPIC));
  }

  @Test
  void withoutAutoRegistrationAnUnregisteredSchemaIsIncompatible() {
    SpecificAvroSerializer<WearableSample> noRegister = new SpecificAvroSerializer<>();
    noRegister.configure(config(SerdeConfig.AUTO_REGISTER_SCHEMAS_CONFIG, false), false);

    assertThatThrownBy(
            () -> noRegister.serialize(TOPIC, WearableSamples.healthKitHeartRate().build()))
        .isInstanceOf(IncompatibleSchemaException.class);
  }

  @Test
  void withoutAutoRegistrationTheRegisteredIdIsLookedUp() {
    registry.register(
        "unrelated-value", withoutFields(WearableSample.getClassSchema(), "timeZone"));
    int id = registry.register(SUBJECT, WearableSample.getClassSchema());
    SpecificAvroSerializer<WearableSample> noRegister = new SpecificAvroSerializer<>();
    noRegister.configure(config("auto.register.schemas", "false"), false);

    byte[] bytes = noRegister.serialize(TOPIC, WearableSamples.healthKitHeartRate().build());

    assertThat(ByteBuffer.wrap(bytes, 1, 4).getInt()).isEqualTo(id);
    assertThat(registry.latestVersion(SUBJECT).version()).isEqualTo(1);
  }

  @Test
  void useLatestVersionWritesWithTheNewerRegisteredSchema() {
    Schema newer = withExtraOptionalField(WearableSample.getClassSchema(), "gatewayId");
    registry.register(SUBJECT, WearableSample.getClassSchema());
    int newerId = registry.register(SUBJECT, newer);
    SpecificAvroSerializer<WearableSample> latest = new SpecificAvroSerializer<>();
    latest.configure(config("auto.register.schemas", false, "use.latest.version", true), false);
    WearableSample sample = WearableSamples.healthConnectBloodPressure().build();

    byte[] bytes = latest.serialize(TOPIC, sample);

    assertThat(ByteBuffer.wrap(bytes, 1, 4).getInt()).isEqualTo(newerId);
    assertThat(deserializer.deserialize(TOPIC, bytes)).isEqualTo(sample);
  }

  @Test
  void useLatestVersionRejectsALatestSchemaThatCannotHoldTheRecord() {
    registry.register(
        SUBJECT,
        new Schema.Parser()
            .parse(
                "{\"type\":\"record\",\"name\":\"Other\",\"fields\":[{\"name\":\"x\",\"type\":\"int\"}]}"));
    SpecificAvroSerializer<WearableSample> latest = new SpecificAvroSerializer<>();
    latest.configure(config("auto.register.schemas", false, "use.latest.version", true), false);

    assertThatThrownBy(() -> latest.serialize(TOPIC, WearableSamples.healthKitHeartRate().build()))
        .isInstanceOf(IncompatibleSchemaException.class);
  }

  @Test
  void aValueTheSchemaCannotHoldFailsWithoutQuotingIt() {
    WearableSample bad = WearableSamples.healthKitHeartRate().build();
    bad.setBody("a string is not one of the body records");

    assertThatThrownBy(() -> serializer.serialize(TOPIC, bad))
        .isInstanceOf(SerializationException.class)
        .hasMessageNotContaining("a string is not");
  }

  @Test
  void registryOutageIsNotABadRecord() {
    // Nothing listens on port 1 of loopback: the connection is refused at once.
    SpecificAvroDeserializer<WearableSample> offline =
        new SpecificAvroDeserializer<>(
            WearableSample.class,
            new RestSchemaRegistryClient(
                List.of("http://127.0.0.1:1"),
                null,
                java.time.Duration.ofSeconds(2),
                java.time.Duration.ofSeconds(2),
                10,
                null,
                null));
    byte[] bytes = serializer.serialize(TOPIC, WearableSamples.healthKitHeartRate().build());

    assertThatThrownBy(() -> offline.deserialize(TOPIC, bytes))
        .isInstanceOf(SchemaRegistryException.class)
        .isNotInstanceOf(BadRecordException.class);
  }

  static byte[] framed(int schemaId, byte[] body) {
    return ByteBuffer.allocate(WireFormat.HEADER_SIZE + body.length)
        .put((byte) 0)
        .putInt(schemaId)
        .put(body)
        .array();
  }

  /**
   * Encodes {@code sample} as a producer holding {@code schema} would (Avro resolution current →
   * schema).
   */
  static byte[] writeAs(Schema schema, WearableSample sample) throws Exception {
    ByteArrayOutputStream current = new ByteArrayOutputStream();
    BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(current, null);
    new org.apache.avro.specific.SpecificDatumWriter<WearableSample>(
            WearableSample.getClassSchema(),
            org.apache.avro.specific.SpecificData.getForClass(WearableSample.class))
        .write(sample, encoder);
    encoder.flush();
    Object asOlder =
        new GenericDatumReader<>(WearableSample.getClassSchema(), schema)
            .read(null, DecoderFactory.get().binaryDecoder(current.toByteArray(), null));
    ByteArrayOutputStream older = new ByteArrayOutputStream();
    encoder = EncoderFactory.get().directBinaryEncoder(older, null);
    new GenericDatumWriter<>(schema).write(asOlder, encoder);
    encoder.flush();
    return older.toByteArray();
  }

  static Schema withoutFields(Schema schema, String... names) {
    ObjectNode json = parse(schema);
    Iterator<com.fasterxml.jackson.databind.JsonNode> fields = json.withArray("fields").elements();
    while (fields.hasNext()) {
      if (Arrays.asList(names).contains(fields.next().get("name").asText())) {
        fields.remove();
      }
    }
    return new Schema.Parser().parse(json.toString());
  }

  static Schema withExtraOptionalField(Schema schema, String name) {
    ObjectNode json = parse(schema);
    ArrayNode fields = json.withArray("fields");
    fields
        .addObject()
        .put("name", name)
        .putNull("default")
        .putArray("type")
        .add("null")
        .add("string");
    return new Schema.Parser().parse(json.toString());
  }

  private static ObjectNode parse(Schema schema) {
    try {
      return (ObjectNode) new ObjectMapper().readTree(schema.toString());
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}

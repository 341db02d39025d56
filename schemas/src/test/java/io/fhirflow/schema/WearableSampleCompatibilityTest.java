package io.fhirflow.schema;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaCompatibility.Incompatibility;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The raw-sample contract evolves BACKWARD compatibly: the current schema (the generated class's)
 * must read data written with every released version, kept as {@code
 * src/test/resources/released/WearableSample-<n>.avsc}. See schemas/README.md.
 */
class WearableSampleCompatibilityTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void currentSchemaReadsDataWrittenWithEveryReleasedVersion() throws IOException {
    List<Schema> released = releasedVersions();

    assertThat(released).as("released versions under released/").isNotEmpty();
    for (int i = 0; i < released.size(); i++) {
      assertThat(backwardIncompatibilities(WearableSample.getClassSchema(), released.get(i)))
          .as("current schema reading data of released version %d", i + 1)
          .isEmpty();
    }
  }

  @Test
  void latestReleasedVersionIsTheSameRecordAsTheCurrentOne() throws IOException {
    List<Schema> released = releasedVersions();

    assertThat(released.get(released.size() - 1).getFullName())
        .isEqualTo(WearableSample.getClassSchema().getFullName());
  }

  static Stream<Arguments> incompatibleChanges() {
    return Stream.of(
        Arguments.of(
            "a new field without a default",
            (UnaryOperator<ObjectNode>)
                schema -> {
                  fields(schema).addObject().put("name", "gatewayId").put("type", "string");
                  return schema;
                }),
        Arguments.of(
            "a field changing type",
            (UnaryOperator<ObjectNode>)
                schema -> {
                  ((ObjectNode) field(schema, "recordId")).put("type", "long");
                  return schema;
                }),
        Arguments.of(
            "an enum losing a symbol",
            (UnaryOperator<ObjectNode>)
                schema -> {
                  ((ArrayNode) field(schema, "platform").get("type").get("symbols")).remove(1);
                  return schema;
                }),
        Arguments.of(
            "the body union losing a branch",
            (UnaryOperator<ObjectNode>)
                schema -> {
                  ((ArrayNode) field(schema, "body").get("type"))
                      .remove(6); // HcSeries, the last branch
                  return schema;
                }));
  }

  @ParameterizedTest(name = "{0} is caught")
  @MethodSource("incompatibleChanges")
  void deliberatelyIncompatibleChangeIsCaught(String change, UnaryOperator<ObjectNode> edit)
      throws IOException {
    Schema released = releasedVersions().get(releasedVersions().size() - 1);
    Schema edited =
        new Schema.Parser()
            .parse(edit.apply((ObjectNode) JSON.readTree(released.toString())).toString());

    assertThat(backwardIncompatibilities(edited, released)).as(change).isNotEmpty();
  }

  @Test
  void addingAnOptionalFieldWithADefaultIsAllowed() throws IOException {
    Schema released = releasedVersions().get(releasedVersions().size() - 1);
    ObjectNode json = (ObjectNode) JSON.readTree(released.toString());
    ObjectNode added = fields(json).addObject().put("name", "gatewayId");
    added.putArray("type").add("null").add("string");
    added.putNull("default");

    assertThat(backwardIncompatibilities(new Schema.Parser().parse(json.toString()), released))
        .isEmpty();
  }

  @Test
  void aVersionOneConsumerStillReadsSamplesWrittenWithTheCurrentSchema() throws IOException {
    WearableSample sample =
        WearableSample.newBuilder(deletion())
            .setType("HKQuantityTypeIdentifierHeartRate")
            .setBody(HkQuantity.newBuilder().setValue(72).setUnit("count/min").build())
            .build();

    GenericRecord read = readAsVersion(1, sample);

    assertThat(read.get("recordId")).hasToString("rec-1");
    assertThat(((GenericRecord) read.get("body")).get("value")).isEqualTo(72.0);
  }

  @Test
  void aVersionOneConsumerCannotDecodeADeletionSoItNeverTakesOneForASample() {
    // The branch is an enum: a record would resolve to v1's HcInstantaneous, whose fields all have
    // defaults.
    assertThatThrownBy(() -> readAsVersion(1, deletion()))
        .isInstanceOf(org.apache.avro.AvroTypeException.class);
  }

  @Test
  void aDeletionIsASampleWhoseBodyIsTheDeletionBranch() {
    assertThat(SampleDeletions.isDeletion(deletion())).isTrue();
    assertThat(deletion().getType()).isEmpty();
    assertThat(
            SampleDeletions.isDeletion(
                WearableSample.newBuilder(deletion())
                    .setBody(HkCategory.newBuilder().setValue(1).build())
                    .build()))
        .isFalse();
  }

  private static WearableSample deletion() {
    return SampleDeletions.of(
        "user-1", Platform.HEALTH_CONNECT, "rec-1", null, Instant.parse("2026-03-14T07:15:00Z"));
  }

  /**
   * Writes {@code datum} with the current schema and reads it as a consumer built on released
   * version {@code n}.
   */
  private static GenericRecord readAsVersion(int n, WearableSample datum) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(bytes, null);
    new SpecificDatumWriter<>(WearableSample.getClassSchema()).write(datum, encoder);
    encoder.flush();
    GenericDatumReader<GenericRecord> reader =
        new GenericDatumReader<>(WearableSample.getClassSchema(), releasedVersions().get(n - 1));
    return reader.read(null, DecoderFactory.get().binaryDecoder(bytes.toByteArray(), null));
  }

  /** What keeps {@code reader} from reading data written with {@code writer}, as readable lines. */
  static List<String> backwardIncompatibilities(Schema reader, Schema writer) {
    List<String> problems = new ArrayList<>();
    for (Incompatibility i :
        SchemaCompatibility.checkReaderWriterCompatibility(reader, writer)
            .getResult()
            .getIncompatibilities()) {
      problems.add(i.getType() + " at " + i.getLocation() + ": " + i.getMessage());
    }
    return problems;
  }

  /** Released versions in order, WearableSample-1.avsc, -2, ... until the first missing number. */
  static List<Schema> releasedVersions() throws IOException {
    List<Schema> versions = new ArrayList<>();
    for (int n = 1; ; n++) {
      try (InputStream in =
          WearableSampleCompatibilityTest.class.getResourceAsStream(
              "/released/WearableSample-" + n + ".avsc")) {
        if (in == null) {
          return versions;
        }
        versions.add(new Schema.Parser().parse(in));
      }
    }
  }

  private static ArrayNode fields(ObjectNode schema) {
    return (ArrayNode) schema.get("fields");
  }

  private static JsonNode field(ObjectNode schema, String name) {
    for (JsonNode f : fields(schema)) {
      if (f.get("name").asText().equals(name)) {
        return f;
      }
    }
    throw new IllegalArgumentException("no field " + name);
  }
}

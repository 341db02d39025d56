package io.fhirflow.serde;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DatumWriter;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.Encoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Writes generated Avro records in Confluent's wire format under the subject {@code <topic>-value}
 * (or {@code -key}), Confluent's TopicNameStrategy.
 *
 * <p>The schema id comes from registering the record's schema ({@code auto.register.schemas=true},
 * the default), from looking it up, or, with {@code use.latest.version=true}, from the subject's
 * latest version, to which the record is converted by Avro schema resolution. A schema the subject
 * rejects raises {@link IncompatibleSchemaException}; a registry that cannot answer raises {@link
 * SchemaRegistryException}.
 *
 * <p>Thread-safe (a producer may be shared by threads). The id and writer per schema are resolved
 * once; buffers and encoders are reused per thread.
 */
public class SpecificAvroSerializer<T extends SpecificRecord> implements Serializer<T> {

  private final RegistryClientSlot registry;
  private boolean isKey;
  private boolean autoRegister = SerdeConfig.AUTO_REGISTER_SCHEMAS_DEFAULT;
  private boolean useLatest = SerdeConfig.USE_LATEST_VERSION_DEFAULT;
  private final Map<String, TopicWritings> writingsByTopic = new ConcurrentHashMap<>();
  private final ThreadLocal<Buffer> buffers = ThreadLocal.withInitial(Buffer::new);

  /** The registry id to put in the header and how to write the body for it. */
  private record Writing(int schemaId, DatumWriter<Object> writer) {}

  /** A topic's subject (computed once, not per record) and its writings per record schema. */
  private record TopicWritings(String subject, Map<Schema, Writing> bySchema) {}

  private static final class Buffer {
    final ByteArrayOutputStream out = new ByteArrayOutputStream(512);
    BinaryEncoder encoder;
  }

  public SpecificAvroSerializer() {
    this(null);
  }

  /** With a given registry client, which then takes precedence over {@code schema.registry.url}. */
  public SpecificAvroSerializer(SchemaRegistryClient registry) {
    this.registry = new RegistryClientSlot(registry);
  }

  @Override
  public void configure(Map<String, ?> configs, boolean isKey) {
    SerdeConfig config = new SerdeConfig(configs);
    this.isKey = isKey;
    this.autoRegister = config.autoRegisterSchemas();
    this.useLatest = config.useLatestVersion();
    registry.configure(config);
  }

  @Override
  public byte[] serialize(String topic, T record) {
    if (record == null) {
      return null;
    }
    if (registry.client() == null) {
      throw new IllegalStateException("SpecificAvroSerializer used before configure()");
    }
    Writing writing = writing(topic, record);
    Buffer buffer = buffers.get();
    buffer.out.reset();
    try {
      WireFormat.writeHeader(buffer.out, writing.schemaId());
      buffer.encoder = EncoderFactory.get().directBinaryEncoder(buffer.out, buffer.encoder);
      writing.writer().write(record, buffer.encoder);
      buffer.encoder.flush();
    } catch (IOException | RuntimeException e) {
      if (e instanceof BadRecordException bad) {
        throw bad;
      }
      // Avro names the offending field and may quote its value: keep only the exception class.
      throw new SerializationException(
          "record of "
              + record.getSchema().getFullName()
              + " for topic "
              + topic
              + " cannot be written with schema id "
              + writing.schemaId()
              + " ("
              + e.getClass().getSimpleName()
              + ")");
    }
    return buffer.out.toByteArray();
  }

  private Writing writing(String topic, T record) {
    TopicWritings topicWritings =
        writingsByTopic.computeIfAbsent(
            topic,
            t -> new TopicWritings(t + (isKey ? "-key" : "-value"), new ConcurrentHashMap<>()));
    String subject = topicWritings.subject();
    Map<Schema, Writing> writings = topicWritings.bySchema();
    Schema schema = record.getSchema();
    Writing known = writings.get(schema);
    if (useLatest) {
      RegisteredSchema latest =
          registry.client().latestVersion(subject); // cached by the client for latest.cache.ttl.sec
      if (known != null && known.schemaId() == latest.id()) {
        return known;
      }
      Writing writing =
          toLatest(topic, schema, latest, SpecificData.getForClass(record.getClass()));
      writings.put(schema, writing);
      return writing;
    }
    if (known != null) {
      return known;
    }
    Writing writing =
        new Writing(schemaId(topic, subject, schema), specificWriter(schema, record.getClass()));
    writings.put(schema, writing);
    return writing;
  }

  private int schemaId(String topic, String subject, Schema schema) {
    try {
      return autoRegister
          ? registry.client().register(subject, schema)
          : registry.client().lookupId(subject, schema);
    } catch (SchemaRegistryException e) {
      if (e.errorCode() == SchemaRegistryException.INCOMPATIBLE_SCHEMA
          || e.status() == 409
          || e.errorCode() == SchemaRegistryException.INVALID_SCHEMA) {
        throw new IncompatibleSchemaException(
            topic,
            "the registry rejects schema "
                + schema.getFullName()
                + " for subject "
                + subject
                + " (error_code "
                + e.errorCode()
                + ")");
      }
      if (!autoRegister && e.isNotFound()) {
        throw new IncompatibleSchemaException(
            topic,
            "schema "
                + schema.getFullName()
                + " is not registered under subject "
                + subject
                + " and "
                + SerdeConfig.AUTO_REGISTER_SCHEMAS_CONFIG
                + " is false");
      }
      throw e;
    }
  }

  private Writing toLatest(
      String topic, Schema schema, RegisteredSchema latest, SpecificData model) {
    if (latest.schema().equals(schema)) {
      return new Writing(latest.id(), specificWriter(schema, model));
    }
    SchemaCompatibility.SchemaPairCompatibility compatibility =
        SchemaCompatibility.checkReaderWriterCompatibility(latest.schema(), schema);
    if (compatibility.getType() != SchemaCompatibility.SchemaCompatibilityType.COMPATIBLE) {
      throw new IncompatibleSchemaException(
          topic,
          "the latest schema of subject "
              + latest.subject()
              + " (id "
              + latest.id()
              + ") cannot represent records of "
              + schema.getFullName());
    }
    return new Writing(
        latest.id(), new ConvertingWriter(specificWriter(schema, model), schema, latest.schema()));
  }

  @SuppressWarnings("unchecked")
  private static DatumWriter<Object> specificWriter(Schema schema, Class<?> type) {
    return specificWriter(schema, SpecificData.getForClass(type));
  }

  @SuppressWarnings("unchecked")
  private static DatumWriter<Object> specificWriter(Schema schema, SpecificData model) {
    return (DatumWriter<Object>) (DatumWriter<?>) new SpecificDatumWriter<>(schema, model);
  }

  /**
   * Writes a record in another (compatible) schema: encodes it with its own schema, then reads that
   * back resolved to the target schema and encodes the result. Only used with use.latest.version
   * when the latest schema differs from the class's; the extra pass is the price of Avro having no
   * direct record-to-record conversion.
   */
  private static final class ConvertingWriter implements DatumWriter<Object> {
    private final DatumWriter<Object> source;
    private final GenericDatumReader<Object> resolver;
    private final GenericDatumWriter<Object> target;

    ConvertingWriter(DatumWriter<Object> source, Schema from, Schema to) {
      this.source = source;
      this.resolver = new GenericDatumReader<>(from, to);
      this.target = new GenericDatumWriter<>(to);
    }

    @Override
    public void setSchema(Schema schema) {
      throw new UnsupportedOperationException("schemas are fixed at construction");
    }

    @Override
    public void write(Object datum, Encoder out) throws IOException {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream(512);
      BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(bytes, null);
      source.write(datum, encoder);
      encoder.flush();
      Object converted =
          resolver.read(null, DecoderFactory.get().binaryDecoder(bytes.toByteArray(), null));
      target.write(converted, out);
    }
  }

  /**
   * Lets {@link SpecificAvroSerde} share one client (one cache) between its two halves; call before
   * configure.
   */
  void shareRegistry(SchemaRegistryClient shared) {
    registry.share(shared);
  }

  @Override
  public void close() {
    registry.close();
  }
}

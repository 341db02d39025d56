package io.fhirflow.serde;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.DatumReader;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * Reads Confluent wire-format records into a generated Avro class: the writer schema is fetched
 * from the registry by the id in the header and resolved against the class's own (reader) schema,
 * so records written with an older compatible schema read fine.
 *
 * <p>Bad input raises a {@link BadRecordException}: {@link NotWireFormatException}, {@link
 * UnknownSchemaIdException}, {@link IncompatibleSchemaException} or {@link CorruptBodyException}. A
 * registry that cannot answer raises {@link SchemaRegistryException}.
 *
 * <p>Thread-safe. Per writer schema id the resolving reader is built once; decoders are reused per
 * thread, so a record costs only the objects Avro creates for its fields.
 */
public class SpecificAvroDeserializer<T extends SpecificRecord> implements Deserializer<T> {

  private Class<T> type;
  private Schema readerSchema;
  private SpecificData model;
  private final RegistryClientSlot registry;
  private final Map<Integer, Reading<T>> readings = new ConcurrentHashMap<>();
  private final ThreadLocal<Decoding> decodings = ThreadLocal.withInitial(Decoding::new);

  /**
   * How records of one writer schema id are read; {@code incompatibility} is set when they cannot
   * be.
   */
  private record Reading<T>(DatumReader<T> reader, String incompatibility) {}

  /** A thread's reusable decoders. */
  private static final class Decoding {
    BinaryDecoder binary;
    final BoundedDecoder bounded = new BoundedDecoder();
  }

  /**
   * For instantiation by class name; the type comes from {@code specific.avro.value.type} / {@code
   * .key.type}.
   */
  public SpecificAvroDeserializer() {
    this(null, null);
  }

  public SpecificAvroDeserializer(Class<T> type) {
    this(type, null);
  }

  /** With a given registry client, which then takes precedence over {@code schema.registry.url}. */
  public SpecificAvroDeserializer(Class<T> type, SchemaRegistryClient registry) {
    this.registry = new RegistryClientSlot(registry);
    if (type != null) {
      useType(type);
    }
  }

  @Override
  @SuppressWarnings("unchecked")
  public void configure(Map<String, ?> configs, boolean isKey) {
    SerdeConfig config = new SerdeConfig(configs);
    if (type == null) {
      Class<?> configured = config.specificType(isKey);
      if (configured == null || !SpecificRecord.class.isAssignableFrom(configured)) {
        String key =
            isKey
                ? SerdeConfig.SPECIFIC_AVRO_KEY_TYPE_CONFIG
                : SerdeConfig.SPECIFIC_AVRO_VALUE_TYPE_CONFIG;
        throw new ConfigException(key, configured, "a generated SpecificRecord class is required");
      }
      useType((Class<T>) configured);
    }
    registry.configure(config);
  }

  private void useType(Class<T> type) {
    this.type = type;
    this.model = SpecificData.getForClass(type);
    this.readerSchema = model.getSchema(type);
  }

  @Override
  public T deserialize(String topic, byte[] data) {
    return data == null ? null : read(topic, data, 0, data.length);
  }

  @Override
  public T deserialize(String topic, Headers headers, byte[] data) {
    return deserialize(topic, data);
  }

  @Override
  public T deserialize(String topic, Headers headers, ByteBuffer data) {
    if (data == null) {
      return null;
    }
    if (data.hasArray()) {
      return read(topic, data.array(), data.arrayOffset() + data.position(), data.remaining());
    }
    byte[] copy = new byte[data.remaining()];
    data.duplicate().get(copy);
    return read(topic, copy, 0, copy.length);
  }

  private T read(String topic, byte[] bytes, int offset, int length) {
    if (type == null || registry.client() == null) {
      throw new IllegalStateException("SpecificAvroDeserializer used before configure()");
    }
    if (length < WireFormat.HEADER_SIZE) {
      throw new NotWireFormatException(topic, length + " bytes, shorter than the 5-byte header");
    }
    if (bytes[offset] != WireFormat.MAGIC_BYTE) {
      throw new NotWireFormatException(topic, "the first byte is not the magic byte 0");
    }
    int schemaId = WireFormat.schemaId(bytes, offset);
    Reading<T> reading = reading(topic, schemaId);
    if (reading.incompatibility() != null) {
      throw new IncompatibleSchemaException(topic, reading.incompatibility());
    }
    Decoding decoding = decodings.get();
    int bodyLength = length - WireFormat.HEADER_SIZE;
    decoding.binary =
        DecoderFactory.get()
            .binaryDecoder(bytes, offset + WireFormat.HEADER_SIZE, bodyLength, decoding.binary);
    BoundedDecoder decoder = decoding.bounded.wrap(decoding.binary, bodyLength);
    try {
      T value = reading.reader().read(null, decoder);
      if (!decoder.isEnd()) {
        throw new CorruptBodyException(topic, schemaId, "bytes left over after the record");
      }
      return value;
    } catch (EOFException e) {
      throw new CorruptBodyException(topic, schemaId, "truncated");
    } catch (IOException | RuntimeException e) {
      if (e instanceof CorruptBodyException corrupt) {
        throw corrupt;
      }
      throw new CorruptBodyException(
          topic, schemaId, "invalid Avro data (" + e.getClass().getSimpleName() + ")");
    }
  }

  private Reading<T> reading(String topic, int schemaId) {
    Reading<T> known = readings.get(schemaId);
    if (known != null) {
      return known;
    }
    Schema writer;
    try {
      writer = registry.client().schemaById(schemaId);
    } catch (SchemaRegistryException e) {
      if (e.isNotFound() && e.errorCode() == SchemaRegistryException.SCHEMA_NOT_FOUND) {
        // Not cached: the id may appear once registry replicas catch up.
        throw new UnknownSchemaIdException(topic, schemaId);
      }
      throw e;
    }
    SchemaCompatibility.SchemaPairCompatibility compatibility =
        SchemaCompatibility.checkReaderWriterCompatibility(readerSchema, writer);
    Reading<T> reading =
        compatibility.getType() == SchemaCompatibility.SchemaCompatibilityType.COMPATIBLE
            ? new Reading<>(new SpecificDatumReader<>(writer, readerSchema, model), null)
            : new Reading<>(
                null,
                "writer schema id "
                    + schemaId
                    + " cannot be read as "
                    + readerSchema.getFullName()
                    + ": "
                    + compatibility.getResult().getIncompatibilities().stream()
                        .map(i -> i.getType() + " at " + i.getLocation())
                        .toList());
    Reading<T> raced = readings.putIfAbsent(schemaId, reading);
    return raced != null ? raced : reading;
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

package io.fhirflow.topology;

import java.nio.ByteBuffer;
import java.util.function.Function;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;

/**
 * The serde of a state store value kept in its own compact binary form: the value writes itself to
 * bytes and reads itself back from a buffer over them, and null (a deleted entry) stays null both
 * ways.
 */
public final class CompactSerde {

  private CompactSerde() {}

  public static <T> Serde<T> of(Function<T, byte[]> write, Function<ByteBuffer, T> read) {
    return Serdes.serdeFrom(
        (topic, v) -> v == null ? null : write.apply(v),
        (topic, bytes) -> bytes == null ? null : read.apply(ByteBuffer.wrap(bytes)));
  }
}

package io.fhirflow.serde;

import java.io.IOException;
import java.nio.ByteBuffer;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.Decoder;
import org.apache.avro.util.Utf8;

/**
 * A binary decoder that rejects string/bytes lengths and array/map item counts larger than the
 * whole body before anything is allocated for them. Avro allocates what the data announces (a byte
 * array of the string's length, a collection pre-sized to the item count), so one corrupt length
 * would allocate gigabytes or throw OutOfMemoryError and kill the process, instead of raising
 * CorruptBodyException. Every item of our schemas takes at least one byte, so a count above the
 * body length cannot be genuine. (A schema with arrays of {@code null} or of empty records could
 * legitimately exceed it; this serde does not support such schemas.) Everything else is delegated
 * unchanged. One instance per thread, re-pointed at each record with {@link #wrap}.
 */
final class BoundedDecoder extends Decoder {

  private BinaryDecoder in;
  private int bodyLength;
  private final Utf8 scratch = new Utf8();

  BoundedDecoder wrap(BinaryDecoder in, int bodyLength) {
    this.in = in;
    this.bodyLength = bodyLength;
    return this;
  }

  boolean isEnd() throws IOException {
    return in.isEnd();
  }

  private int checkedLength() throws IOException {
    long length = in.readLong();
    if (length < 0 || length > bodyLength) {
      throw new IOException("length outside the body");
    }
    return (int) length;
  }

  private long checkedCount(long count) throws IOException {
    if (count > bodyLength) {
      throw new IOException("item count beyond the body");
    }
    return count;
  }

  @Override
  public Utf8 readString(Utf8 old) throws IOException {
    int length = checkedLength();
    Utf8 result = old != null ? old : new Utf8();
    result.setByteLength(length);
    in.readFixed(result.getBytes(), 0, length);
    return result;
  }

  @Override
  public String readString() throws IOException {
    return readString(scratch).toString();
  }

  @Override
  public ByteBuffer readBytes(ByteBuffer old) throws IOException {
    int length = checkedLength();
    ByteBuffer result =
        old != null && old.capacity() >= length ? old.clear() : ByteBuffer.allocate(length);
    in.readFixed(result.array(), result.arrayOffset(), length);
    result.limit(length);
    return result;
  }

  @Override
  public void readNull() throws IOException {
    in.readNull();
  }

  @Override
  public boolean readBoolean() throws IOException {
    return in.readBoolean();
  }

  @Override
  public int readInt() throws IOException {
    return in.readInt();
  }

  @Override
  public long readLong() throws IOException {
    return in.readLong();
  }

  @Override
  public float readFloat() throws IOException {
    return in.readFloat();
  }

  @Override
  public double readDouble() throws IOException {
    return in.readDouble();
  }

  @Override
  public void skipString() throws IOException {
    in.skipString();
  }

  @Override
  public void skipBytes() throws IOException {
    in.skipBytes();
  }

  @Override
  public void readFixed(byte[] bytes, int start, int length) throws IOException {
    in.readFixed(bytes, start, length);
  }

  @Override
  public void skipFixed(int length) throws IOException {
    in.skipFixed(length);
  }

  @Override
  public int readEnum() throws IOException {
    return in.readEnum();
  }

  @Override
  public long readArrayStart() throws IOException {
    return checkedCount(in.readArrayStart());
  }

  @Override
  public long arrayNext() throws IOException {
    return checkedCount(in.arrayNext());
  }

  @Override
  public long skipArray() throws IOException {
    return in.skipArray();
  }

  @Override
  public long readMapStart() throws IOException {
    return checkedCount(in.readMapStart());
  }

  @Override
  public long mapNext() throws IOException {
    return checkedCount(in.mapNext());
  }

  @Override
  public long skipMap() throws IOException {
    return in.skipMap();
  }

  @Override
  public int readIndex() throws IOException {
    return in.readIndex();
  }
}

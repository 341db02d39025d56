package io.fhirflow.topology.summary;

import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * A growing byte array written with variable-length numbers (7 bits a byte, zig-zag for signed
 * values, as protobuf's sint64), and the matching reads from a buffer: small numbers take one or
 * two bytes instead of eight.
 */
final class VarBytes {

  private byte[] bytes;
  private int size;

  VarBytes(int capacity) {
    bytes = new byte[capacity];
  }

  VarBytes put(byte b) {
    ensure(1);
    bytes[size++] = b;
    return this;
  }

  VarBytes put(byte[] b) {
    ensure(b.length);
    System.arraycopy(b, 0, bytes, size, b.length);
    size += b.length;
    return this;
  }

  VarBytes putLong(long v) {
    ensure(8);
    for (int shift = 56; shift >= 0; shift -= 8) {
      bytes[size++] = (byte) (v >>> shift);
    }
    return this;
  }

  VarBytes putDouble(double v) {
    return putLong(Double.doubleToRawLongBits(v));
  }

  /** A signed number, zig-zag encoded: -1 and 1 take one byte. */
  VarBytes putSigned(long v) {
    return putUnsigned((v << 1) ^ (v >> 63));
  }

  /** A number read as unsigned (counts, lengths): up to 127 in one byte. */
  VarBytes putUnsigned(long v) {
    ensure(10);
    while ((v & ~0x7FL) != 0) {
      bytes[size++] = (byte) ((v & 0x7F) | 0x80);
      v >>>= 7;
    }
    bytes[size++] = (byte) v;
    return this;
  }

  byte[] toArray() {
    return Arrays.copyOf(bytes, size);
  }

  static long getSigned(ByteBuffer b) {
    long v = getUnsigned(b);
    return (v >>> 1) ^ -(v & 1);
  }

  static long getUnsigned(ByteBuffer b) {
    long v = 0;
    for (int shift = 0; ; shift += 7) {
      byte x = b.get();
      v |= (long) (x & 0x7F) << shift;
      if (x >= 0) {
        return v;
      }
      if (shift >= 63) {
        throw new IllegalArgumentException("a variable-length number longer than 10 bytes");
      }
    }
  }

  static int getSize(ByteBuffer b) {
    return Math.toIntExact(getUnsigned(b));
  }

  private void ensure(int more) {
    if (size + more > bytes.length) {
      bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, size + more));
    }
  }
}

package io.fhirflow.applehealth;

import java.io.FilterReader;
import java.io.IOException;
import java.io.Reader;

/**
 * Drops characters that XML 1.0 forbids (C0 controls other than tab, LF and CR, and U+FFFE/U+FFFF)
 * before any parser sees them. Real iOS exports contain stray vertical tabs ({@code \x0b}) inside
 * attribute values, which make every conforming parser stop; newlines are never dropped, so line
 * numbers in error reports still match the file.
 */
final class IllegalXmlCharFilter extends FilterReader {

  private long dropped;

  IllegalXmlCharFilter(Reader in) {
    super(in);
  }

  /** How many characters were dropped so far. */
  long dropped() {
    return dropped;
  }

  static boolean isLegal(char c) {
    return c >= 0x20 ? c != 0xFFFE && c != 0xFFFF : c == '\t' || c == '\n' || c == '\r';
  }

  @Override
  public int read() throws IOException {
    int c;
    do {
      c = in.read();
    } while (c != -1 && !isLegal((char) c) && ++dropped > 0);
    return c;
  }

  @Override
  public int read(char[] buf, int off, int len) throws IOException {
    while (true) {
      int n = in.read(buf, off, len);
      if (n <= 0) {
        return n;
      }
      int kept = off;
      for (int i = off; i < off + n; i++) {
        char c = buf[i];
        if (isLegal(c)) {
          buf[kept++] = c;
        } else {
          dropped++;
        }
      }
      if (kept > off) {
        return kept - off;
      }
      // The whole read was illegal characters: read again rather than report a 0-length read.
    }
  }
}

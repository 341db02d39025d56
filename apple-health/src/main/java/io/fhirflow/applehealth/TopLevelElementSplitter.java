package io.fhirflow.applehealth;

import java.io.Closeable;
import java.io.IOException;
import java.io.Reader;
import java.util.Set;
import java.util.function.Predicate;

/**
 * Cuts a Health export into its top-level elements without parsing the file as one document.
 *
 * <p>Hand-written rather than a StAX loop over the whole file because a StAX parser stops for good
 * at the first well-formedness error, and real exports have them: iOS 16 wrote a broken internal
 * DTD, iOS 8 wrote metadata keys with spaces as attribute names. Cutting first lets the importer
 * parse each element on its own (with StAX), report the line of a broken one and go on with the
 * next. The lexer knows just enough XML for that: comments, processing instructions, CDATA, quoted
 * attribute values and the DOCTYPE, which it skips without reading (no fetch, no validation, a
 * broken one is fine). Memory is bounded by the largest single element.
 */
final class TopLevelElementSplitter implements Closeable {

  /** Elements bigger than this are reported as broken instead of being buffered further. */
  static final int DEFAULT_MAX_ELEMENT_CHARS = 64 * 1024 * 1024;

  private final Reader in;
  private final int maxElementChars;
  private final char[] buf = new char[1 << 16];
  private int pos;
  private int limit;
  private int pushedBack = -1;
  private long line = 1;
  private String rootName;
  private boolean rootClosed;
  private Predicate<String> capture = name -> true;

  TopLevelElementSplitter(Reader in) {
    this(in, DEFAULT_MAX_ELEMENT_CHARS);
  }

  TopLevelElementSplitter(Reader in, int maxElementChars) {
    this.in = in;
    this.maxElementChars = maxElementChars;
  }

  /** Only elements with these names keep their text; the others come back with empty text. */
  TopLevelElementSplitter onlyCapture(Set<String> names) {
    this.capture = names::contains;
    return this;
  }

  /** Current 1-based line. */
  long line() {
    return line;
  }

  /**
   * Reads the prolog (XML declaration, comments, DOCTYPE) and the root start tag.
   *
   * @return the root element's name, or null if the input has no element at all
   */
  String readRoot() throws IOException {
    if (rootName != null) {
      return rootName;
    }
    while (true) {
      if (!skipToTagStart()) {
        return null;
      }
      int d = read();
      if (d == '?') {
        skipPast("?>");
      } else if (d == '!') {
        skipDeclaration();
      } else if (d != -1 && d != '/') {
        StringBuilder name = new StringBuilder().append((char) d);
        int end = readName(name, null);
        if (end != '>') {
          TagEnd tag = readTagRest(null);
          if (tag == TagEnd.SELF_CLOSED) {
            rootClosed = true;
          }
        }
        rootName = name.toString();
        return rootName;
      }
    }
  }

  /**
   * The next top-level element (a child of the root), or null at the end of the file.
   *
   * <p>A chunk whose end could not be found (end of file, a {@code <} inside a tag, too large) has
   * a {@link ElementChunk#lexicalError()} and the splitter resynchronises on the next {@code <}.
   */
  ElementChunk next() throws IOException {
    if (readRoot() == null || rootClosed) {
      return null;
    }
    while (true) {
      if (!skipToTagStart()) {
        return null;
      }
      long startLine = line;
      int d = read();
      if (d == '?') {
        skipPast("?>");
        continue;
      }
      if (d == '!') {
        skipDeclaration();
        continue;
      }
      if (d == '/') {
        // The root's end tag: everything after it is junk after the document element.
        skipPast(">");
        rootClosed = true;
        return null;
      }
      if (d == -1) {
        return null;
      }
      return readElement((char) d, startLine);
    }
  }

  private ElementChunk readElement(char first, long startLine) throws IOException {
    StringBuilder name = new StringBuilder().append(first);
    int end = readName(name, null);
    String elementName = name.toString();
    StringBuilder text = capture.test(elementName) ? new StringBuilder(256) : null;
    if (text != null) {
      text.append('<').append(name);
      if (end != -1 && end != '<') {
        text.append((char) end);
      }
    }
    TagEnd tag = end == '>' ? TagEnd.OPEN : end == '/' ? readSelfCloseEnd(text) : readTagRest(text);
    if (tag == TagEnd.SELF_CLOSED) {
      return chunk(elementName, text, startLine, null);
    }
    if (tag == TagEnd.BROKEN) {
      return chunk(elementName, text, startLine, "unterminated start tag");
    }
    int depth = 1;
    while (depth > 0) {
      if (text != null && text.length() > maxElementChars) {
        skipToDepthZero(depth);
        return chunk(
            elementName, null, startLine, "element larger than " + maxElementChars + " characters");
      }
      int c = read();
      if (c == -1) {
        return chunk(elementName, text, startLine, "unexpected end of file inside element");
      }
      append(text, c);
      if (c != '<') {
        continue;
      }
      int d = read();
      if (d == -1) {
        return chunk(elementName, text, startLine, "unexpected end of file inside element");
      }
      append(text, d);
      if (d == '/') {
        if (copyPast(text, ">")) {
          depth--;
        }
      } else if (d == '!') {
        copyDeclaration(text);
      } else if (d == '?') {
        copyPast(text, "?>");
      } else {
        TagEnd inner = readTagRest(text);
        if (inner == TagEnd.OPEN) {
          depth++;
        } else if (inner == TagEnd.BROKEN) {
          return chunk(elementName, text, startLine, "unterminated start tag inside element");
        }
      }
    }
    return chunk(elementName, text, startLine, null);
  }

  private ElementChunk chunk(String name, StringBuilder text, long startLine, String error) {
    return new ElementChunk(name, text == null ? "" : text.toString(), startLine, error);
  }

  private enum TagEnd {
    OPEN,
    SELF_CLOSED,
    BROKEN
  }

  /** Reads a name; returns the character that ended it (already consumed, appended to text). */
  private int readName(StringBuilder name, StringBuilder text) throws IOException {
    while (true) {
      int c = read();
      if (c == -1 || c == '>' || c == '/' || Character.isWhitespace(c) || c == '<') {
        if (c == '<') {
          unread(c);
        }
        return c;
      }
      name.append((char) c);
      append(text, c);
    }
  }

  private TagEnd readSelfCloseEnd(StringBuilder text) throws IOException {
    int c = read();
    if (c == '>') {
      append(text, c);
      return TagEnd.SELF_CLOSED;
    }
    if (c != -1) {
      unread(c);
    }
    return readTagRest(text);
  }

  /**
   * Reads the rest of a start tag up to its {@code >}, honouring quoted attribute values. A {@code
   * <} inside a tag cannot be well-formed XML: it is pushed back and the tag reported broken, so
   * the next element is not swallowed.
   */
  private TagEnd readTagRest(StringBuilder text) throws IOException {
    int quote = 0;
    int last = 0;
    while (true) {
      int c = read();
      if (c == -1) {
        return TagEnd.BROKEN;
      }
      if (c == '<') {
        unread(c);
        return TagEnd.BROKEN;
      }
      append(text, c);
      if (quote != 0) {
        if (c == quote) {
          quote = 0;
        }
      } else if (c == '"' || c == '\'') {
        quote = c;
      } else if (c == '>') {
        return last == '/' ? TagEnd.SELF_CLOSED : TagEnd.OPEN;
      }
      if (!Character.isWhitespace(c)) {
        last = c;
      }
    }
  }

  /**
   * After {@code <!}: a comment, CDATA or DOCTYPE; the DOCTYPE's internal subset is skipped unread.
   */
  private void skipDeclaration() throws IOException {
    copyDeclaration(null);
  }

  private void copyDeclaration(StringBuilder text) throws IOException {
    int c = read();
    append(text, c);
    if (c == '-') {
      copyPast(text, "->");
      return;
    }
    if (c == '[') {
      copyPast(text, "]]>");
      return;
    }
    // DOCTYPE (or another declaration): a '[' opens an internal subset that ends with "]" ">".
    // Quotes are not tracked inside the subset: its comments contain apostrophes.
    while (c != -1 && c != '>') {
      if (c == '[') {
        int prev = 0;
        while ((c = read()) != -1) {
          append(text, c);
          if (c == '>' && prev == ']') {
            return;
          }
          if (!Character.isWhitespace(c)) {
            prev = c;
          }
        }
        return;
      }
      c = read();
      append(text, c);
    }
  }

  /** Skips until after the given terminator; true if it was found. */
  private boolean skipPast(String terminator) throws IOException {
    return copyPast(null, terminator);
  }

  private boolean copyPast(StringBuilder text, String terminator) throws IOException {
    int matched = 0;
    int c;
    while ((c = read()) != -1) {
      append(text, c);
      if (c == terminator.charAt(matched)) {
        if (++matched == terminator.length()) {
          return true;
        }
      } else {
        matched = c == terminator.charAt(0) ? 1 : 0;
      }
    }
    return false;
  }

  private void skipToDepthZero(int depth) throws IOException {
    while (depth > 0) {
      int c = read();
      if (c == -1) {
        return;
      }
      if (c != '<') {
        continue;
      }
      int d = read();
      if (d == '/') {
        skipPast(">");
        depth--;
      } else if (d == '!') {
        skipDeclaration();
      } else if (d == '?') {
        skipPast("?>");
      } else if (d != -1 && readTagRest(null) == TagEnd.OPEN) {
        depth++;
      }
    }
  }

  private static void append(StringBuilder text, int c) {
    if (text != null && c != -1) {
      text.append((char) c);
    }
  }

  private void unread(int c) {
    pushedBack = c;
  }

  /** Reads up to and including the next {@code <}; false when the input ends first. */
  private boolean skipToTagStart() throws IOException {
    while (true) {
      int c = read();
      if (c == -1) {
        return false;
      }
      if (c == '<') {
        return true;
      }
    }
  }

  private int read() throws IOException {
    if (pushedBack != -1) {
      int c = pushedBack;
      pushedBack = -1;
      return c;
    }
    if (pos == limit) {
      limit = in.read(buf, 0, buf.length);
      pos = 0;
      if (limit <= 0) {
        limit = 0;
        return -1;
      }
    }
    char c = buf[pos++];
    if (c == '\n') {
      line++;
    }
    return c;
  }

  @Override
  public void close() throws IOException {
    in.close();
  }
}

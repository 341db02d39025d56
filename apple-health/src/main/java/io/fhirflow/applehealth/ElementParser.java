package io.fhirflow.applehealth;

import java.io.StringReader;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.xml.stream.XMLInputFactory;
import javax.xml.stream.XMLStreamConstants;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamReader;

/** Parses one {@link ElementChunk} with the JDK's StAX parser into an {@link XmlElement}. */
final class ElementParser {

  private final XMLInputFactory factory;

  ElementParser() {
    // Woodstox by name, not the JDK's default: one reader per element, and the JDK's costs more to
    // create.
    factory = new com.ctc.wstx.stax.WstxInputFactory();
    // A chunk never has a DOCTYPE, but refuse DTDs and external entities anyway (XXE).
    factory.setProperty(XMLInputFactory.SUPPORT_DTD, false);
    factory.setProperty(XMLInputFactory.IS_SUPPORTING_EXTERNAL_ENTITIES, false);
    factory.setProperty(XMLInputFactory.IS_NAMESPACE_AWARE, false);
    factory.setProperty(XMLInputFactory.IS_COALESCING, false);
  }

  /** Thrown for a chunk that is not well-formed XML; the line is the file's line. */
  static final class MalformedElementException extends Exception {
    private final long line;

    MalformedElementException(String message, long line) {
      super(message, null, false, false);
      this.line = line;
    }

    long line() {
      return line;
    }
  }

  XmlElement parse(ElementChunk chunk) throws MalformedElementException {
    XMLStreamReader reader = null;
    try {
      reader = factory.createXMLStreamReader(new StringReader(chunk.xml()));
      Deque<Builder> open = new ArrayDeque<>();
      XmlElement root = null;
      while (reader.hasNext()) {
        int event = reader.next();
        if (event == XMLStreamConstants.START_ELEMENT) {
          Map<String, String> attributes = new LinkedHashMap<>();
          for (int i = 0; i < reader.getAttributeCount(); i++) {
            attributes.put(reader.getAttributeLocalName(i), reader.getAttributeValue(i));
          }
          open.push(new Builder(reader.getLocalName(), attributes));
        } else if (event == XMLStreamConstants.END_ELEMENT) {
          Builder done = open.pop();
          XmlElement element =
              new XmlElement(done.name, done.attributes, List.copyOf(done.children));
          if (open.isEmpty()) {
            root = element;
          } else {
            open.peek().children.add(element);
          }
        }
      }
      if (root == null) {
        throw new MalformedElementException("no element", chunk.line());
      }
      return root;
    } catch (XMLStreamException e) {
      long line = chunk.line();
      if (e.getLocation() != null && e.getLocation().getLineNumber() > 0) {
        line += e.getLocation().getLineNumber() - 1;
      }
      throw new MalformedElementException(describe(e), line);
    } finally {
      if (reader != null) {
        try {
          reader.close();
        } catch (XMLStreamException ignored) {
          // Closing a reader over a String releases nothing that could fail meaningfully.
        }
      }
    }
  }

  /**
   * The parser's reason without its location suffix (the line is reported separately). Parser
   * messages name the construct ("Unexpected character 'M' ... expected '='"), never whole values.
   */
  private static String describe(XMLStreamException e) {
    String message = e.getMessage() == null ? "not well-formed" : e.getMessage();
    int idx = message.indexOf("Message: ");
    if (idx >= 0) {
      message = message.substring(idx + "Message: ".length());
    }
    int newline = message.indexOf('\n');
    return (newline >= 0 ? message.substring(0, newline) : message).trim();
  }

  private static final class Builder {
    final String name;
    final Map<String, String> attributes;
    final List<XmlElement> children = new ArrayList<>();

    Builder(String name, Map<String, String> attributes) {
      this.name = name;
      this.attributes = attributes;
    }
  }
}

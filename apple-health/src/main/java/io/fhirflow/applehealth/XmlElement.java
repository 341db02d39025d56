package io.fhirflow.applehealth;

import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * One parsed element of an export: name, attributes in document order, child elements. Text content
 * is ignored: Health exports carry everything in attributes.
 */
record XmlElement(String name, Map<String, String> attributes, List<XmlElement> children) {

  String attr(String key) {
    return attributes.get(key);
  }

  Stream<XmlElement> children(String childName) {
    return children.stream().filter(c -> c.name.equals(childName));
  }
}

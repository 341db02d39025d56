package io.fhirflow.applehealth;

/**
 * An export element that could not become a sample.
 *
 * @param elementName the element's name as written
 * @param xml the element's characters as they are in the file, for a dead letter
 * @param reason why, as a stable code
 * @param errorClass what found the fault: {@code Splitter}, {@code XMLStreamException} or {@code
 *     InvalidElement}
 * @param detail names attributes, never their values
 * @param line 1-based line of the file where the fault is
 */
public record RejectedElement(
    String elementName,
    String xml,
    ImportReason reason,
    String errorClass,
    String detail,
    long line) {}

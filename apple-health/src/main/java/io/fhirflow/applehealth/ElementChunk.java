package io.fhirflow.applehealth;

/**
 * The text of one top-level element of an export ({@code Record}, {@code Correlation}, {@code
 * Workout}, ...), cut out of the file without parsing it.
 *
 * @param name element name as written
 * @param xml the element's characters, from its {@code <} to its closing {@code >}
 * @param line 1-based line of the file where the element starts
 * @param lexicalError why the splitter could not find the element's end, or null when it did
 */
record ElementChunk(String name, String xml, long line, String lexicalError) {}

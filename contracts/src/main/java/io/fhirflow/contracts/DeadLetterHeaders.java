package io.fhirflow.contracts;

/**
 * The {@code dlq.*} headers every stage (topology, sink, importer) writes on a dead letter, so that
 * one consumer of the dead-letter topics reads them all the same way (docs/operations.md).
 */
public final class DeadLetterHeaders {

  /** Which stage turned the record away: {@code deserialize}, {@code validate}, {@code map}, {@code process}, {@code sink}, {@code import}. */
  public static final String STAGE = "dlq.stage";
  /** A stable reason code, e.g. {@code UNKNOWN_SCHEMA_ID}, {@code OUT_OF_RANGE}, {@code PATIENT_MISMATCH}. */
  public static final String REASON = "dlq.reason";
  /** The exception or rule class behind the reason. */
  public static final String ERROR_CLASS = "dlq.error.class";
  /** Where the original was read: topic (or the importer's file name), partition (-1 for a file), offset. */
  public static final String SOURCE_TOPIC = "dlq.source.topic";
  public static final String SOURCE_PARTITION = "dlq.source.partition";
  public static final String SOURCE_OFFSET = "dlq.source.offset";
  /** The importer's line in its source file. */
  public static final String SOURCE_LINE = "dlq.source.line";
  /** When the record was dead-lettered (ISO-8601 instant). */
  public static final String TIME = "dlq.time";

  private DeadLetterHeaders() {}
}

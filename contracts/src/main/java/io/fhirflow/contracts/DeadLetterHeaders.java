package io.fhirflow.contracts;

/**
 * The {@code dlq.*} headers every stage (topology, sink, importer) writes on a dead letter, so that
 * one consumer of the dead-letter topics reads them all the same way (docs/operations.md).
 */
public final class DeadLetterHeaders {

  /** What every header name below starts with. */
  public static final String PREFIX = "dlq.";

  /**
   * Which stage turned the record away: {@code deserialize}, {@code validate}, {@code map}, {@code
   * process}, {@code sink}, {@code import}.
   */
  public static final String STAGE = "dlq.stage";

  /**
   * A stable reason code, e.g. {@code UNKNOWN_SCHEMA_ID}, {@code OUT_OF_RANGE}, {@code
   * PATIENT_MISMATCH}.
   */
  public static final String REASON = "dlq.reason";

  /** The exception or rule class behind the reason. */
  public static final String ERROR_CLASS = "dlq.error.class";

  /**
   * Where the original was read: topic (or the importer's file name), partition (-1 for a file),
   * offset.
   */
  public static final String SOURCE_TOPIC = "dlq.source.topic";

  public static final String SOURCE_PARTITION = "dlq.source.partition";
  public static final String SOURCE_OFFSET = "dlq.source.offset";

  /** The importer's line in its source file. */
  public static final String SOURCE_LINE = "dlq.source.line";

  /** When the record was dead-lettered (ISO-8601 instant). */
  public static final String TIME = "dlq.time";

  /**
   * Present only on a dead letter that was too large to publish whole: which parts were cut to fit
   * the producer's {@code max.request.size}, comma separated, of {@code value}, {@code key}, {@code
   * headers} (the original's own headers dropped, the {@code dlq.*} ones kept). The source
   * coordinates above locate the original, which the source topic keeps.
   */
  public static final String TRUNCATED = "dlq.truncated";

  /** With {@link #TRUNCATED}: the original value's size in bytes. */
  public static final String ORIGINAL_VALUE_BYTES = "dlq.original.value.bytes";

  private DeadLetterHeaders() {}
}

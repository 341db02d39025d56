package io.fhirflow.cli.output;

/**
 * Something that could not be sent as a sample, sent instead to the dead-letter topic with the
 * headers the other stages use ({@code dlq.stage}, {@code dlq.reason}, ...).
 *
 * @param key record key (the user id)
 * @param value the original bytes, unchanged (for the importer: the element's XML)
 * @param stage which stage rejected it, e.g. {@code import}
 * @param reason stable reason code
 * @param errorClass the exception or rule class behind the reason
 * @param sourceName where the bytes came from (file name, never a full path)
 * @param sourceLine line in that file, or -1
 */
public record DeadLetter(
    String key,
    byte[] value,
    String stage,
    String reason,
    String errorClass,
    String sourceName,
    long sourceLine) {}

package io.fhirflow.topology;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.apache.kafka.streams.processor.api.ContextualProcessor;
import org.apache.kafka.streams.processor.api.Record;

/**
 * The check before any state is touched: the key contract (key = the sample's user id), which
 * dedupe and the per-patient metrics rely on, since they need all of a user's samples in one
 * partition.
 *
 * <p>The catalogue's own checks (unknown type, missing id, non-finite or out-of-range value, end
 * before start, unconvertible unit, shape) are not repeated here: {@code FhirMapper.map} performs
 * them and returns the same typed {@code Rejection}, and {@code FhirMapper.validate} would build the
 * sample a second time (the profile of the benchmark showed it costing as much as the mapping). They
 * are dead-lettered by the map step with stage {@code map}.
 */
final class ValidateProcessor extends ContextualProcessor<byte[], Inbound, Object, Object> {

  private final String accepted;
  private final String rejected;

  ValidateProcessor(String accepted, String rejected) {
    this.accepted = accepted;
    this.rejected = rejected;
  }

  @Override
  public void process(Record<byte[], Inbound> record) {
    Inbound in = record.value();
    if (keyIsUserId(record.key(), in)) {
      context().forward(record, accepted);
    } else {
      context().forward(record.withValue(in.reject(DeadLetterStage.VALIDATE, DeadLetterReasons.KEY_MISMATCH, "KeyMismatch")), rejected);
    }
  }

  private static boolean keyIsUserId(byte[] key, Inbound in) {
    return Arrays.equals(key, in.sample().getUserId().getBytes(StandardCharsets.UTF_8));
  }
}

package io.fhirflow.topology;

import io.fhirflow.mapping.FhirMapper;
import io.fhirflow.mapping.Rejection;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Optional;
import org.apache.kafka.streams.processor.api.ContextualProcessor;
import org.apache.kafka.streams.processor.api.Record;

/**
 * The cheap checks before any state is touched: the key contract (key = user id, which dedupe
 * and per-patient metrics rely on) and the catalogue's validation (unknown type, missing id,
 * non-finite or out-of-range value, end before start, unconvertible unit).
 */
final class ValidateProcessor extends ContextualProcessor<byte[], Inbound, Object, Object> {

  private final FhirMapper mapper;
  private final String accepted;
  private final String rejected;

  ValidateProcessor(FhirMapper mapper, String accepted, String rejected) {
    this.mapper = mapper;
    this.accepted = accepted;
    this.rejected = rejected;
  }

  @Override
  public void process(Record<byte[], Inbound> record) {
    Inbound in = record.value();
    if (!keyIsUserId(record.key(), in)) {
      reject(record, DeadLetterReasons.KEY_MISMATCH, "KeyMismatch");
      return;
    }
    Optional<Rejection> rejection = mapper.validate(in.sample());
    if (rejection.isPresent()) {
      reject(record, rejection.get().reason().code(), Rejection.class.getSimpleName());
      return;
    }
    context().forward(record, accepted);
  }

  private static boolean keyIsUserId(byte[] key, Inbound in) {
    return Arrays.equals(key, in.sample().getUserId().getBytes(StandardCharsets.UTF_8));
  }

  private void reject(Record<byte[], Inbound> record, String reason, String errorClass) {
    context().forward(record.withValue(record.value().reject(DeadLetterStage.VALIDATE, reason, errorClass)), rejected);
  }
}

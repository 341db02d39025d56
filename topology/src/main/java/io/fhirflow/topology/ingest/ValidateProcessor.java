package io.fhirflow.topology.ingest;

import io.fhirflow.schema.HcSeries;
import io.fhirflow.schema.HcSeriesSample;
import io.fhirflow.schema.RecordVersion;
import io.fhirflow.schema.WearableSample;
import io.fhirflow.topology.deadletter.DeadLetterReasons;
import io.fhirflow.topology.deadletter.DeadLetterStage;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import org.apache.kafka.streams.processor.api.ContextualProcessor;
import org.apache.kafka.streams.processor.api.Record;

/**
 * The checks before any state is touched: the key contract (key = the sample's user id), which
 * dedupe and the per-patient metrics rely on, since they need all of a user's samples in one
 * partition; and time that cannot be forged: a sample that starts (or has a series point), or was
 * last modified, more than {@code futureMargin} after it was ingested ({@link IngestTime}) is
 * rejected (FUTURE_TIME, FUTURE_LAST_MODIFIED). A future measurement would otherwise pin the
 * patient's "latest" value in Redis until its time came (metrics are timed by the start, or by the
 * series point), and a future lastModifiedTime would make every real update of the record look
 * older, so it would be dropped as a duplicate. The end is not checked: an interval may be reported
 * while it runs (a step bucket), and no metric is timed by it.
 *
 * <p>The catalogue's own checks (unknown type, missing id, non-finite or out-of-range value, end
 * before start, unconvertible unit, shape) are not repeated here: {@code FhirMapper.map} performs
 * them and returns the same typed {@code Rejection}, and {@code FhirMapper.validate} would build
 * the sample a second time (the profile of the benchmark showed it costing as much as the mapping).
 * They are dead-lettered by the map step with stage {@code map}.
 */
public final class ValidateProcessor extends ContextualProcessor<byte[], Inbound, Object, Object> {

  private final String accepted;
  private final String rejected;
  private final long futureMarginMs;

  public ValidateProcessor(String accepted, String rejected, Duration futureMargin) {
    this.accepted = accepted;
    this.rejected = rejected;
    this.futureMarginMs = futureMargin.toMillis();
  }

  @Override
  public void process(Record<byte[], Inbound> record) {
    Inbound in = record.value();
    if (!keyIsUserId(record.key(), in)) {
      context()
          .forward(
              record.withValue(
                  in.reject(
                      DeadLetterStage.VALIDATE, DeadLetterReasons.KEY_MISMATCH, "KeyMismatch")),
              rejected);
      return;
    }
    String future = futureReason(in.sample(), IngestTime.of(record, context()) + futureMarginMs);
    if (future != null) {
      context()
          .forward(
              record.withValue(in.reject(DeadLetterStage.VALIDATE, future, "FutureTime")),
              rejected);
      return;
    }
    context().forward(record, accepted);
  }

  /** The reason when the sample claims a time later than {@code latest}, else null. */
  private static String futureReason(WearableSample sample, long latest) {
    if (isAfter(sample.getStartTime(), latest)) {
      return DeadLetterReasons.FUTURE_TIME;
    }
    if (sample.getBody() instanceof HcSeries series) {
      for (HcSeriesSample point : series.getSamples()) {
        if (isAfter(point.getTime(), latest)) {
          return DeadLetterReasons.FUTURE_TIME;
        }
      }
    }
    RecordVersion version = sample.getVersion();
    if (version != null && isAfter(version.getLastModifiedTime(), latest)) {
      return DeadLetterReasons.FUTURE_LAST_MODIFIED;
    }
    return null;
  }

  private static boolean isAfter(Instant time, long latest) {
    return time != null && time.toEpochMilli() > latest;
  }

  private static boolean keyIsUserId(byte[] key, Inbound in) {
    return Arrays.equals(key, in.sample().getUserId().getBytes(StandardCharsets.UTF_8));
  }
}

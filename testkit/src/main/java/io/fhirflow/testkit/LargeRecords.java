package io.fhirflow.testkit;

import io.fhirflow.schema.WearableSample;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.ConfigResource;

/**
 * The oversized-sample scenario of issue 12, shared by the topology's IT and the packaged-process
 * check: a heart-rate sample of about 1.2 MB (over the topology's default record limit, under the
 * broker's once the topic is raised) and the settings a deployment that lets gateways send such
 * samples changes.
 */
public final class LargeRecords {

  /** The raw topic's and the producer's limit in these runs: room for the 1.2 MB sample. */
  public static final int LIMIT_BYTES = 4 * 1024 * 1024;

  /** The size of the large sample's metadata note, so that its value is above 1 200 000 bytes. */
  public static final int NOTE_CHARS = 1_200_000;

  private LargeRecords() {}

  /** Raises {@code topic}'s {@code max.message.bytes} to {@link #LIMIT_BYTES}. */
  public static void acceptOn(Admin admin, String topic) throws Exception {
    admin
        .incrementalAlterConfigs(
            Map.of(
                new ConfigResource(ConfigResource.Type.TOPIC, topic),
                List.of(
                    new AlterConfigOp(
                        new ConfigEntry("max.message.bytes", Integer.toString(LIMIT_BYTES)),
                        AlterConfigOp.OpType.SET))))
        .all()
        .get(30, TimeUnit.SECONDS);
  }

  /** {@code props} with a producer request size that lets the large sample through. */
  public static Properties producerAllowingThem(Properties props) {
    props.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, Integer.toString(LIMIT_BYTES));
    return props;
  }

  /** A HealthKit heart rate at {@code at} whose metadata carries a {@link #NOTE_CHARS} note. */
  public static WearableSample.Builder heartRate(Instant at) {
    return WearableSamples.healthKitHeartRate()
        .setStartTime(at)
        .setEndTime(at)
        .setMetadata(Map.of("HKTimeZone", "Europe/Paris", "note", "x".repeat(NOTE_CHARS)));
  }
}

package io.fhirflow.topology.ops;

import static org.assertj.core.api.Assertions.assertThat;

import io.fhirflow.contracts.PipelineTopic;
import java.time.Duration;
import java.util.List;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.streams.processor.TaskId;
import org.junit.jupiter.api.Test;

/** Issue 12, item 1: readiness and liveness follow progress, not only Kafka Streams' state. */
class ProgressWatchTest {

  private long now = 1_000_000;
  private final ProgressWatch watch =
      new ProgressWatch(Duration.ofSeconds(60), Duration.ofSeconds(240), () -> now);
  private final TaskId task = new TaskId(0, 1);

  private void read(long committed, long highestSeen) {
    watch.observe(
        List.of(
            new ProgressWatch.TaskProgress(
                task, new TopicPartition("raw", 1), committed, highestSeen)));
  }

  /**
   * Three reads 31 s apart of one task with two partitions: the default topic's keeps committing
   * while the tenant's stays at {@code tenantCommitted} / {@code tenantHighestSeen}.
   */
  private void readBusyDefaultPartitionBesideTenant(long tenantCommitted, long tenantHighestSeen) {
    TopicPartition defaultRaw = new TopicPartition(PipelineTopic.Names.RAW, 1);
    TopicPartition tenantRaw = new TopicPartition("wearable.samples.raw.acme", 1);
    for (int i = 0; i < 3; i++) {
      watch.observe(
          List.of(
              new ProgressWatch.TaskProgress(task, defaultRaw, 5_000 + i * 100, 5_050 + i * 100),
              new ProgressWatch.TaskProgress(task, tenantRaw, tenantCommitted, tenantHighestSeen)));
      after(Duration.ofSeconds(31));
    }
  }

  private void after(Duration d) {
    now += d.toMillis();
  }

  @Test
  void aTaskThatRetriesTheSameRecordIsNotReadyAfterTheStallAndNotLiveAfterTheGrace() {
    read(100, 100); // record 100 processed, not committed
    after(Duration.ofSeconds(30));
    read(100, 100);
    assertThat(watch.progressing()).isTrue();

    after(Duration.ofSeconds(31));
    read(100, 100);
    assertThat(watch.progressing()).isFalse();
    assertThat(watch.alive()).isTrue();
    assertThat(watch.describe()).contains("0_1");

    after(Duration.ofSeconds(241));
    read(100, 100);
    assertThat(watch.alive()).isFalse();

    read(101, 120); // it moves again
    assertThat(watch.progressing()).isTrue();
    assertThat(watch.alive()).isTrue();
  }

  @Test
  void aTaskWithNothingToDoIsNeverStalled() {
    read(100, 99);
    after(Duration.ofHours(1));
    read(100, 99);

    assertThat(watch.progressing()).isTrue();
  }

  @Test
  void aTaskThatKeepsCommittingIsNotStalledHoweverLongItHasWork() {
    for (int i = 0; i < 100; i++) {
      read(100 + i, 150 + i);
      after(Duration.ofSeconds(30));
    }

    assertThat(watch.progressing()).isTrue();
  }

  @Test
  void aStalledTaskStaysStalledWhileItsThreadIsReplacedAndItIsBrieflyUnlisted() {
    read(100, 100);
    after(Duration.ofSeconds(61));
    read(100, 100);
    assertThat(watch.progressing()).isFalse();

    after(Duration.ofSeconds(5));
    watch.observe(List.of());
    assertThat(watch.progressing()).isFalse();
  }

  @Test
  void aTenantPartitionStuckInATaskIsSeenThoughTheDefaultTopicsPartitionMoves() {
    // The tenant's partition retries offset 7 forever.
    readBusyDefaultPartitionBesideTenant(7, 7);

    assertThat(watch.progressing()).isFalse();
    assertThat(watch.describe()).contains("0_1");
  }

  @Test
  void aTenantPartitionWithNothingToDoDoesNotLookPendingBesideABusyOne() {
    readBusyDefaultPartitionBesideTenant(8, 7);

    assertThat(watch.progressing()).isTrue();
  }

  @Test
  void threadsThatKeepDyingMakeTheInstanceUnhealthy() {
    watch.threadDied();
    watch.threadDied();
    assertThat(watch.progressing()).isTrue();
    watch.threadDied();
    assertThat(watch.progressing()).isFalse();

    after(Duration.ofSeconds(61));
    assertThat(watch.progressing()).isTrue();
  }
}

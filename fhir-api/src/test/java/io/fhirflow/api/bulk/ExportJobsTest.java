package io.fhirflow.api.bulk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Who owns a job's directory when a DELETE races the worker writing it. BulkExportIT once answered
 * 500: the DELETE walked the directory while the worker renamed {@code Patient.ndjson.part}.
 */
class ExportJobsTest {

  @TempDir Path root;
  private final HeldWriter writer = new HeldWriter();
  private ExportJobs jobs;

  private static final ExportRequest REQUEST =
      new ExportRequest(
          ExportLevel.SYSTEM,
          Optional.empty(),
          List.of("Patient"),
          Optional.empty(),
          Optional.empty(),
          "http://localhost/fhir/$export");

  /** Writes one file, then waits (as a long query would) until the test lets it finish. */
  private static final class HeldWriter implements ExportWriter {
    final CountDownLatch writing = new CountDownLatch(1);
    final CountDownLatch release = new CountDownLatch(1);
    final AtomicInteger runs = new AtomicInteger();

    void awaitWriting() throws InterruptedException {
      assertThat(writing.await(30, TimeUnit.SECONDS)).isTrue();
    }

    @Override
    public void run(ExportJob job) throws java.io.IOException {
      runs.incrementAndGet();
      Files.createDirectories(job.directory());
      Path part = job.directory().resolve("Patient.ndjson.part");
      Files.writeString(part, "{}\n");
      writing.countDown();
      try {
        release.await(30, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      Files.move(part, job.directory().resolve("Patient.ndjson"));
    }
  }

  @BeforeEach
  void oneWorker() {
    jobs = new ExportJobs(root, writer, Duration.ofHours(1), 1, 4, Clock.systemUTC());
  }

  @AfterEach
  void close() {
    writer.release.countDown();
    jobs.close();
  }

  @Test
  void cancellingARunningJobLeavesItsDirectoryToTheWorkerWhichDeletesIt() throws Exception {
    ExportJob job = jobs.submit("owner", REQUEST);
    writer.awaitWriting();

    jobs.cancel(job);

    // The worker is mid-write: its directory is still there, and the job is gone for clients.
    assertThat(job.directory()).exists();
    assertThat(jobs.find(job.id(), "owner")).isEmpty();
    writer.release.countDown();
    await().atMost(Duration.ofSeconds(30)).until(() -> !Files.exists(job.directory()));
    assertThat(job.state()).isEqualTo(ExportJob.State.CANCELLED);
  }

  @Test
  void aJobCancelledWhileQueuedNeverRuns() throws Exception {
    ExportJob first = jobs.submit("owner", REQUEST);
    writer.awaitWriting();
    ExportJob queued = jobs.submit("owner", REQUEST);

    jobs.cancel(queued);
    writer.release.countDown();

    await().atMost(Duration.ofSeconds(30)).until(first::finished);
    assertThat(first.state()).isEqualTo(ExportJob.State.COMPLETE);
    assertThat(writer.runs.get()).isEqualTo(1);
    assertThat(queued.state()).isEqualTo(ExportJob.State.CANCELLED);
    assertThat(queued.directory()).doesNotExist();
  }

  @Test
  void cancellingAFinishedJobDeletesItsFilesAtOnce() throws Exception {
    writer.release.countDown();
    ExportJob job = jobs.submit("owner", REQUEST);
    await().atMost(Duration.ofSeconds(30)).until(job::finished);
    assertThat(job.directory().resolve("Patient.ndjson")).exists();

    jobs.cancel(job);

    assertThat(job.directory()).doesNotExist();
  }
}

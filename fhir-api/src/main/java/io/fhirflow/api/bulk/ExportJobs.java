package io.fhirflow.api.bulk;

import io.fhirflow.api.store.RequestTenant;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.Comparator;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The export jobs of this process: queued on a fixed pool of workers, finished files kept for a
 * TTL, then deleted with their job. Jobs live in memory: after a restart their status URLs answer
 * 404 and clients kick off again (the IG allows a server to lose a job); leftover job directories
 * are removed at start, since nothing can reach them any more.
 */
public final class ExportJobs implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(ExportJobs.class);
  private static final String UUID_NAME =
      "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}";

  private final Map<String, ExportJob> jobs = new ConcurrentHashMap<>();
  private final Path root;
  private final ExportWriter exporter;
  private final Duration ttl;
  private final int maxJobs;
  private final Clock clock;
  private final ExecutorService workers;
  private final ScheduledExecutorService reaper;

  ExportJobs(
      Path root, ExportWriter exporter, Duration ttl, int workers, int maxJobs, Clock clock) {
    this.root = root;
    this.exporter = exporter;
    this.ttl = ttl;
    this.maxJobs = maxJobs;
    this.clock = clock;
    try {
      Files.createDirectories(root);
      try (Stream<Path> old = Files.list(root)) {
        old.filter(p -> p.getFileName().toString().matches(UUID_NAME))
            .forEach(ExportJobs::deleteTree);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot use bulk export directory", e);
    }
    this.workers = Executors.newFixedThreadPool(workers, r -> daemon(r, "bulk-export"));
    this.reaper = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "bulk-export-reaper"));
    long period = Math.max(1, Math.min(60, ttl.toSeconds() / 2));
    reaper.scheduleWithFixedDelay(this::reapExpired, period, period, TimeUnit.SECONDS);
  }

  public static ExportJobs create(
      LongReads reads, String dir, Duration ttl, int workers, int maxJobs, Clock clock) {
    Path root =
        dir.isBlank()
            ? Path.of(System.getProperty("java.io.tmpdir"), "fhirflow-bulk")
            : Path.of(dir);
    return new ExportJobs(root, new NdjsonExporter(reads), ttl, workers, maxJobs, clock);
  }

  /** Queues an export for {@code owner}; 429 when too many are unfinished. */
  public ExportJob submit(String owner, ExportRequest request) {
    long unfinished = jobs.values().stream().filter(j -> !j.finished()).count();
    if (unfinished >= maxJobs) {
      throw new BulkRequestException(429, "throttled", "Too many exports in progress; retry later");
    }
    String id = UUID.randomUUID().toString();
    ExportJob job = new ExportJob(id, owner, request, root.resolve(id));
    jobs.put(id, job);
    // The worker reads as the requesting token's tenant (RequestTenant, row-level security).
    String tenant = RequestTenant.current();
    job.future(
        workers.submit(
            () -> {
              if (!tenant.isEmpty()) {
                RequestTenant.set(tenant);
              }
              try {
                run(job);
              } finally {
                RequestTenant.clear();
              }
            }));
    return job;
  }

  private void run(ExportJob job) {
    if (!job.start()) {
      return; // cancelled while queued: cancel() has already cleaned up
    }
    try {
      exporter.run(job);
      job.expiresAt(clock.instant().plus(ttl));
      job.end(ExportJob.State.COMPLETE);
    } catch (SQLException e) {
      fail(job, "sqlstate=" + e.getSQLState());
    } catch (IOException | RuntimeException e) {
      fail(job, e.getClass().getSimpleName());
    }
    if (job.cancelled()) {
      // Cancelled while running: the DELETE left the directory to this thread, the only writer.
      deleteTree(job.directory());
    }
  }

  private void fail(ExportJob job, String reason) {
    job.expiresAt(clock.instant().plus(ttl));
    if (job.end(ExportJob.State.FAILED)) {
      LOG.warn("bulk export failed job={} reason={}", job.id(), reason);
      deleteTree(job.directory());
    }
  }

  /** The job if it exists, belongs to {@code owner} and has not expired. */
  public Optional<ExportJob> find(String id, String owner) {
    ExportJob job = jobs.get(id);
    if (job == null || !job.owner().equals(owner)) {
      return Optional.empty();
    }
    if (expired(job)) {
      remove(job);
      return Optional.empty();
    }
    return Optional.of(job);
  }

  /**
   * Cancels a running or queued job, or deletes a finished one's files; either way the job is gone.
   */
  public void cancel(ExportJob job) {
    ExportJob.State before = job.cancel();
    job.future().ifPresent(f -> f.cancel(false));
    jobs.remove(job.id());
    // A running job's worker may be writing or renaming files in its directory right now; deleting
    // the tree under it made Files.walk fail (and the DELETE answer 500). The worker deletes it
    // when it sees the cancellation; a queued job never creates one, a finished one is ours.
    if (before != ExportJob.State.RUNNING) {
      deleteTree(job.directory());
    }
  }

  private boolean expired(ExportJob job) {
    return job.finished() && job.expiresAt().map(t -> !clock.instant().isBefore(t)).orElse(false);
  }

  /**
   * Forgets an expired job and deletes its files; a poll and the reaper can both get here, and only
   * the one that removes the entry deletes.
   */
  private void remove(ExportJob job) {
    if (jobs.remove(job.id(), job)) {
      deleteTree(job.directory());
    }
  }

  void reapExpired() {
    jobs.values().stream().filter(this::expired).toList().forEach(this::remove);
  }

  public Path root() {
    return root;
  }

  private static void deleteTree(Path dir) {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      LOG.warn("cannot delete bulk export directory error={}", e.getClass().getSimpleName());
    }
  }

  private static Thread daemon(Runnable r, String name) {
    Thread t = new Thread(r, name);
    t.setDaemon(true);
    return t;
  }

  @Override
  public void close() {
    reaper.shutdownNow();
    jobs.values().stream().filter(j -> !j.finished()).forEach(ExportJob::cancel);
    workers.shutdownNow();
    try {
      workers.awaitTermination(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}

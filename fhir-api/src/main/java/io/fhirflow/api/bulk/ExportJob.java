package io.fhirflow.api.bulk;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * One export's state, shared between the worker that writes it and the requests that poll it. Only
 * the owner (the token's issuer, subject and patient claim) may see it.
 */
public final class ExportJob {

  /** Where a job is in its life. */
  public enum State {
    QUEUED,
    RUNNING,
    COMPLETE,
    FAILED,
    CANCELLED
  }

  /** One finished NDJSON file. */
  public record OutputFile(String type, String fileName, long count, long bytes) {}

  private final String id;
  private final String owner;
  private final ExportRequest request;
  private final Path directory;
  private final List<OutputFile> files = new CopyOnWriteArrayList<>();
  private final AtomicLong written = new AtomicLong();
  // Moved only by compare-and-set: the worker and a DELETE race, and exactly one of them must own
  // the job's directory when it ends (see ExportJobs.cancel).
  private final AtomicReference<State> state = new AtomicReference<>(State.QUEUED);
  private volatile String currentType;
  private volatile Instant transactionTime;
  private volatile Instant expiresAt;
  private volatile Future<?> future;

  ExportJob(String id, String owner, ExportRequest request, Path directory) {
    this.id = id;
    this.owner = owner;
    this.request = request;
    this.directory = directory;
  }

  public String id() {
    return id;
  }

  String owner() {
    return owner;
  }

  public ExportRequest request() {
    return request;
  }

  Path directory() {
    return directory;
  }

  public State state() {
    return state.get();
  }

  /** QUEUED to RUNNING; false when the job was cancelled before its worker picked it up. */
  boolean start() {
    return state.compareAndSet(State.QUEUED, State.RUNNING);
  }

  /** RUNNING to COMPLETE or FAILED; false when a cancellation came first. */
  boolean end(State outcome) {
    return state.compareAndSet(State.RUNNING, outcome);
  }

  /** Marks the job cancelled and returns the state it was in just before. */
  State cancel() {
    return state.getAndSet(State.CANCELLED);
  }

  public boolean finished() {
    State s = state.get();
    return s != State.QUEUED && s != State.RUNNING;
  }

  boolean cancelled() {
    return state.get() == State.CANCELLED;
  }

  public List<OutputFile> files() {
    return List.copyOf(files);
  }

  void addFile(OutputFile f) {
    files.add(f);
  }

  void wrote(long n) {
    written.addAndGet(n);
  }

  void currentType(String t) {
    this.currentType = t;
  }

  /** The X-Progress text: where the worker is, in resources written (no values). */
  public String progress() {
    State s = state.get();
    return switch (s) {
      case QUEUED -> "queued";
      case RUNNING ->
          "exporting "
              + (currentType == null ? "" : currentType + ", ")
              + written.get()
              + " resources written";
      default -> s.name().toLowerCase(java.util.Locale.ROOT);
    };
  }

  public Optional<Instant> transactionTime() {
    return Optional.ofNullable(transactionTime);
  }

  void transactionTime(Instant t) {
    this.transactionTime = t;
  }

  public Optional<Instant> expiresAt() {
    return Optional.ofNullable(expiresAt);
  }

  void expiresAt(Instant t) {
    this.expiresAt = t;
  }

  void future(Future<?> f) {
    this.future = f;
  }

  Optional<Future<?>> future() {
    return Optional.ofNullable(future);
  }
}

package io.fhirflow.bench.api;

import com.zaxxer.hikari.HikariDataSource;
import io.fhirflow.api.store.ObservationStore;
import io.fhirflow.api.store.ReadPool;
import io.fhirflow.api.store.StoreUnavailableException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The ceiling: the very SQL the API runs for the benchmark query (ObservationStore.search over
 * pgjdbc with the API's own pool settings, ReadPool), from {@code threads} closed-loop threads for
 * {@code seconds}, random patient per call. No HTTP, JSON, auth or audit. Args: threads seconds
 * [jdbcBaseUrl] [poolSize].
 */
public final class SqlCeiling {

  private SqlCeiling() {}

  public static void main(String[] args) throws Exception {
    int threads = Integer.parseInt(args[0]);
    int seconds = Integer.parseInt(args[1]);
    String base = args.length > 2 ? args[2] : "jdbc:postgresql://127.0.0.1:5432/test?user=postgres";
    int pool = args.length > 3 ? Integer.parseInt(args[3]) : 8;
    try (HikariDataSource ds = ReadPool.create(ApiBenchData.url(base), "", "", pool, 5000)) {
      ObservationStore store = new ObservationStore(ds);
      long deadline = System.nanoTime() + Duration.ofSeconds(seconds).toNanos();
      long warmupEnd = System.nanoTime() + Duration.ofSeconds(Math.min(5, seconds / 4)).toNanos();
      AtomicLong rows = new AtomicLong();
      AtomicLong errors = new AtomicLong();
      List<long[]> perThread = new ArrayList<>();
      List<Thread> workers = new ArrayList<>();
      int[] counts = new int[threads];
      MachineCpu[] window = new MachineCpu[2];
      Thread cpu =
          new Thread(
              () -> {
                try {
                  Thread.sleep(Math.max(0, (warmupEnd - System.nanoTime()) / 1_000_000));
                  window[0] = MachineCpu.now();
                  Thread.sleep(Math.max(0, (deadline - System.nanoTime()) / 1_000_000));
                  window[1] = MachineCpu.now();
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                }
              },
              "cpu-window");
      cpu.start();
      for (int t = 0; t < threads; t++) {
        long[] latencies = new long[2_000_000];
        perThread.add(latencies);
        int index = t;
        Thread w =
            new Thread(
                () -> {
                  int n = 0;
                  while (System.nanoTime() < deadline) {
                    String patient =
                        ApiBenchData.patientId(
                            ThreadLocalRandom.current().nextInt(ApiBenchData.PATIENTS));
                    long t0 = System.nanoTime();
                    int got;
                    try {
                      got = store.search(ApiBenchData.heartRateLastDay(patient)).rows().size();
                    } catch (StoreUnavailableException e) {
                      // Pool wait or database timeout under load: counted, like a non-200 in wrk.
                      errors.incrementAndGet();
                      continue;
                    }
                    long t1 = System.nanoTime();
                    if (t0 > warmupEnd && n < latencies.length) {
                      latencies[n++] = t1 - t0;
                      rows.addAndGet(got);
                    }
                  }
                  counts[index] = n;
                });
        workers.add(w);
        w.start();
      }
      for (Thread w : workers) {
        w.join();
      }
      cpu.join();
      int total = Arrays.stream(counts).sum();
      long[] all = new long[total];
      int at = 0;
      for (int t = 0; t < threads; t++) {
        System.arraycopy(perThread.get(t), 0, all, at, counts[t]);
        at += counts[t];
      }
      Arrays.sort(all);
      double measured = (deadline - warmupEnd) / 1e9;
      if (total == 0) {
        System.out.printf(
            "sql-ceiling threads=%d requests=0 rps=0 errors=%d%n", threads, errors.get());
        return;
      }
      System.out.printf(
          "sql-ceiling threads=%d requests=%d rps=%.0f p50=%.2fms p99=%.2fms rows/req=%.1f errors=%d%n",
          threads,
          total,
          total / measured,
          all[total / 2] / 1e6,
          all[(int) (total * 0.99)] / 1e6,
          rows.get() / (double) total,
          errors.get());
      // CPU a search costs, both sides of the connection, over the measured window.
      System.out.println("sql-ceiling cpu per request: " + window[1].perRequest(window[0], total));
    }
  }
}

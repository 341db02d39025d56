package io.fhirflow.bench.faults;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.OptionalDouble;
import java.util.concurrent.CompletableFuture;

/**
 * One Prometheus text scrape of a local process ({@code /metrics}), read by series name: the value
 * of a series summed over its labels. A process that does not answer (killed, restarting) is an
 * empty scrape, which the timeline records as a gap.
 */
final class Scrape {

  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofMillis(500)).build();

  /**
   * The answer of a port nothing listens on: the process is not running (killed, stopped, not
   * started yet).
   */
  static final Scrape DOWN = new Scrape("");

  private final String text;

  Scrape(String text) {
    this.text = text;
  }

  /**
   * Scrapes http://127.0.0.1:port/metrics asynchronously; completes with {@link #DOWN} when the
   * connection is refused, and with null when the process does not answer within {@code timeout} (a
   * Connect worker's scrape is large and slow on a busy machine).
   */
  static CompletableFuture<Scrape> of(int port, Duration timeout) {
    return HTTP.sendAsync(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics"))
                .timeout(timeout)
                .build(),
            HttpResponse.BodyHandlers.ofString())
        .thenApply(r -> r.statusCode() == 200 ? new Scrape(r.body()) : null)
        .exceptionally(e -> refused(e) ? DOWN : null);
  }

  private static boolean refused(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof java.net.ConnectException) {
        return true;
      }
    }
    return false;
  }

  /**
   * The sum over all label sets of the series named exactly {@code name}; empty when the series is
   * absent.
   */
  OptionalDouble sum(String name) {
    return sum(name, "");
  }

  /**
   * As {@link #sum(String)}, over the label sets that contain {@code label} (e.g. {@code
   * outcome="lost"}).
   */
  OptionalDouble sum(String name, String label) {
    double sum = 0;
    boolean found = false;
    for (String line : text.split("\n")) {
      if (line.isEmpty() || line.charAt(0) == '#' || !line.startsWith(name)) {
        continue;
      }
      int end = name.length();
      if (line.length() > end && line.charAt(end) != '{' && line.charAt(end) != ' ') {
        continue; // a longer name that merely starts the same (..._rate)
      }
      if (!label.isEmpty() && !line.contains(label)) {
        continue;
      }
      String value = line.substring(line.lastIndexOf(' ') + 1);
      try {
        sum += Double.parseDouble(value);
        found = true;
      } catch (NumberFormatException e) {
        // a timestamped or malformed line: not one of the counters read here
      }
    }
    return found ? OptionalDouble.of(sum) : OptionalDouble.empty();
  }
}

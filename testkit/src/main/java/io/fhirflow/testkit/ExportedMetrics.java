package io.fhirflow.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * The Prometheus series a process promises to operators, listed in {@code
 * k8s/monitoring/metrics/<process>.txt}: the dashboards and alert rules may name only these
 * (dist/checks holds them to it), and each process's IT holds the process to the list by scraping
 * it for real.
 */
public final class ExportedMetrics {

  private ExportedMetrics() {}

  /** The series names promised for {@code process} (topology, sink, fhir-api). */
  public static Set<String> promised(String process) {
    Path file = catalogue().resolve(process + ".txt");
    try {
      return Files.readAllLines(file).stream()
          .map(String::strip)
          .filter(line -> !line.isEmpty() && !line.startsWith("#"))
          .collect(Collectors.toCollection(TreeSet::new));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The series names of the samples in a Prometheus text exposition. */
  public static Set<String> seriesIn(String exposition) {
    Set<String> names = new TreeSet<>();
    for (String line : exposition.split("\n")) {
      if (line.isBlank() || line.startsWith("#")) {
        continue;
      }
      int end = 0;
      while (end < line.length() && line.charAt(end) != '{' && line.charAt(end) != ' ') {
        end++;
      }
      names.add(line.substring(0, end));
    }
    return names;
  }

  /** Fails with the missing names unless the scrape holds every series promised for the process. */
  public static void assertScrapeHoldsPromised(String process, String exposition) {
    Set<String> missing = new TreeSet<>(promised(process));
    missing.removeAll(seriesIn(exposition));
    if (!missing.isEmpty()) {
      throw new AssertionError(
          "k8s/monitoring/metrics/"
              + process
              + ".txt promises series the "
              + process
              + " does not export: "
              + missing);
    }
  }

  /** k8s/monitoring/metrics. */
  public static Path catalogue() {
    return repositoryRoot().resolve("k8s/monitoring/metrics");
  }

  /** The repository root (the folder with k8s/monitoring), found above the working directory. */
  public static Path repositoryRoot() {
    for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
      if (Files.isDirectory(p.resolve("k8s/monitoring/metrics"))) {
        return p;
      }
    }
    throw new IllegalStateException(
        "k8s/monitoring/metrics not found above " + Path.of("").toAbsolutePath());
  }
}

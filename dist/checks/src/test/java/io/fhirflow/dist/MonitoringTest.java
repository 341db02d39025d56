package io.fhirflow.dist;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.fhirflow.testkit.Ci;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The operators' monitoring in k8s/monitoring holds together: the alert rules pass promtool and
 * their unit tests, and every series a dashboard or a rule names is one a process promises in
 * k8s/monitoring/metrics/*.txt (each process's IT scrapes it to hold it to that list).
 */
class MonitoringTest {

  private static final Path ROOT = RepositoryRoot.find();
  private static final Path MONITORING = ROOT.resolve("k8s/monitoring");
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  private static final ObjectMapper JSON = new ObjectMapper();

  /** Series Prometheus makes itself, which no process exports. */
  private static final Set<String> PROMETHEUS_OWN = Set.of("up");

  @Test
  void theAlertRulesPassPromtoolAndTheirUnitTests(@TempDir Path dir) throws Exception {
    Ci.assumeOutsideCi(
        () -> ExternalCommand.answers("promtool", "--version"),
        "promtool is not on the PATH (bin/test installs Debian's prometheus)");
    // promtool reads plain rule files; a PrometheusRule's spec is one.
    YAML.writeValue(dir.resolve("alerts.rules.yaml").toFile(), prometheusRule().path("spec"));
    Files.copy(MONITORING.resolve("tests/alerts-test.yaml"), dir.resolve("alerts-test.yaml"));
    assertThat(promtool(dir, "check", "rules", "alerts.rules.yaml"))
        .contains("SUCCESS: " + alertNames().size() + " rules found");
    assertThat(promtool(dir, "test", "rules", "alerts-test.yaml")).contains("SUCCESS");
  }

  @Test
  void everyAlertHasAUnitTestThatExpectsItToFire() throws Exception {
    JsonNode tests = YAML.readTree(MONITORING.resolve("tests/alerts-test.yaml").toFile());
    Set<String> fired = new TreeSet<>();
    tests
        .path("tests")
        .forEach(
            t ->
                t.path("alert_rule_test")
                    .forEach(
                        a -> {
                          if (!a.path("exp_alerts").isEmpty()) {
                            fired.add(a.path("alertname").asText());
                          }
                        }));
    assertThat(fired).containsExactlyInAnyOrderElementsOf(alertNames());
  }

  @Test
  void everyRuleNamesOnlySeriesAProcessPromises() throws Exception {
    Set<String> promised = new TreeSet<>();
    for (String process : List.of("topology", "sink", "fhir-api")) {
      promised.addAll(promised(process));
    }
    Map<String, Set<String>> unknown = new TreeMap<>();
    prometheusRule()
        .path("spec")
        .path("groups")
        .forEach(
            g ->
                g.path("rules")
                    .forEach(
                        r -> {
                          Set<String> names =
                              new TreeSet<>(PromQlSeries.of(r.path("expr").asText()));
                          names.removeAll(promised);
                          if (!names.isEmpty()) {
                            unknown.put(r.path("alert").asText(), names);
                          }
                        }));
    assertThat(unknown)
        .as("series named by alert rules that no process is checked to export")
        .isEmpty();
  }

  @Test
  void everyDashboardNamesOnlySeriesItsProcessPromises() throws Exception {
    Map<String, Set<String>> unknown = new TreeMap<>();
    List<Path> dashboards;
    try (Stream<Path> files = Files.list(MONITORING.resolve("dashboards"))) {
      dashboards = files.filter(f -> f.toString().endsWith(".json")).sorted().toList();
    }
    assertThat(dashboards)
        .extracting(p -> p.getFileName().toString())
        .containsExactlyInAnyOrder("topology.json", "sink.json", "fhir-api.json");
    for (Path file : dashboards) {
      String process = file.getFileName().toString().replace(".json", "");
      Set<String> promised = promised(process);
      promised.addAll(PROMETHEUS_OWN);
      JsonNode dashboard = JSON.readTree(file.toFile());
      List<String> exprs = new ArrayList<>();
      dashboard
          .path("panels")
          .forEach(p -> p.path("targets").forEach(t -> exprs.add(t.path("expr").asText())));
      dashboard
          .path("templating")
          .path("list")
          .forEach(
              v -> {
                if (v.path("type").asText().equals("query")) {
                  // Grafana's label_values(series, label) is not PromQL: its first argument is the
                  // query.
                  exprs.add(
                      v.path("query")
                          .asText()
                          .replaceAll("^label_values\\((.*),\\s*\\w+\\)$", "$1"));
                }
              });
      assertThat(exprs).as(file + " has queries").isNotEmpty().doesNotContain("");
      for (String expr : exprs) {
        Set<String> names = new TreeSet<>(PromQlSeries.of(expr));
        names.removeAll(promised);
        if (!names.isEmpty()) {
          unknown
              .computeIfAbsent(file.getFileName().toString(), k -> new TreeSet<>())
              .addAll(names);
        }
      }
    }
    assertThat(unknown)
        .as("series named by dashboards that their process is not checked to export")
        .isEmpty();
  }

  @Test
  void theSeriesReaderFindsSeriesAndSkipsFunctionsLabelsAndVariables() {
    assertThat(
            PromQlSeries.of(
                "histogram_quantile(0.99, sum by (area, le) (rate(fhirflow_api_requests_seconds_bucket{namespace=\"$namespace\",area=~\"fhir|metrics\"}[$__rate_interval])))"))
        .containsExactly("fhirflow_api_requests_seconds_bucket");
    assertThat(
            PromQlSeries.of(
                "sum(rate(a_total[10m])) / clamp_min(sum without (pod) (b_total offset 1h), 1e-9) > 0.05 and on (namespace) c == bool 0"))
        .containsExactly("a_total", "b_total", "c");
  }

  private static Set<String> promised(String process) throws IOException {
    return Files.readAllLines(MONITORING.resolve("metrics/" + process + ".txt")).stream()
        .map(String::strip)
        .filter(l -> !l.isEmpty() && !l.startsWith("#"))
        .collect(Collectors.toCollection(TreeSet::new));
  }

  private static JsonNode prometheusRule() throws IOException {
    JsonNode rule = YAML.readTree(MONITORING.resolve("alerts.yaml").toFile());
    assertThat(rule.path("kind").asText()).isEqualTo("PrometheusRule");
    return rule;
  }

  private static Set<String> alertNames() throws IOException {
    Set<String> names = new TreeSet<>();
    prometheusRule()
        .path("spec")
        .path("groups")
        .forEach(g -> g.path("rules").forEach(r -> names.add(r.path("alert").asText())));
    return names;
  }

  private static String promtool(Path dir, String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of("promtool"));
    command.addAll(List.of(args));
    Process p =
        new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as("promtool %s:%n%s", String.join(" ", args), out).isZero();
    return out;
  }
}

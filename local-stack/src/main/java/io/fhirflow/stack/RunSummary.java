package io.fhirflow.stack;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The counts table of {@code bin/run-local}'s summary: what the simulator sent (its {@code
 * --summary-json}) next to what the topology counted in this run (its conservation counters in two
 * Prometheus scrapes, before and after the run), in total and per tenant (the counters' label
 * {@code tenant}), with the conservation equation checked for each.
 *
 * <p>{@code java io.fhirflow.stack.RunSummary simulator.json metrics-before.txt metrics-after.txt}
 */
public record RunSummary(JsonNode simulator, Counts before, Counts after) {

  /** The conservation counters, in the order of the equation's terms. */
  enum Term {
    IN("in", "in", "total"),
    OUTPUT("output", "out", "output"),
    DUPLICATES("duplicates", "duplicates", "duplicates"),
    UPDATES("updates", "updates", "updates"),
    DELETED("deleted", "deleted", "deletions"),
    DEAD_LETTERED("dead-lettered", "dead_lettered", "bad");

    final String label;
    final String metric;
    final String simulatorField;

    Term(String label, String metricPart, String simulatorField) {
      this.label = label;
      this.metric = "fhirflow_samples_" + metricPart + "_total";
      this.simulatorField = simulatorField;
    }
  }

  /** What the topology counted, per tenant and term. */
  record Counts(Map<String, long[]> byTenant) {

    private static final Pattern SAMPLE =
        Pattern.compile("^(fhirflow_samples_[a-z_]+_total)(\\{[^}]*\\})?\\s+(\\S+)");
    private static final Pattern TENANT = Pattern.compile("tenant=\"([^\"]*)\"");

    /** Sums each counter of a Prometheus text exposition per tenant (no label: the default). */
    static Counts parse(List<String> exposition) {
      Map<String, long[]> byTenant = new LinkedHashMap<>();
      for (String line : exposition) {
        Matcher m = SAMPLE.matcher(line);
        if (!m.find()) {
          continue;
        }
        for (Term term : Term.values()) {
          if (term.metric.equals(m.group(1))) {
            Matcher t = m.group(2) == null ? null : TENANT.matcher(m.group(2));
            String tenant = t != null && t.find() ? t.group(1) : "default";
            byTenant.computeIfAbsent(tenant, k -> new long[Term.values().length])[term.ordinal()] +=
                (long) Double.parseDouble(m.group(3));
          }
        }
      }
      return new Counts(byTenant);
    }

    long get(String tenant, Term term) {
      long[] c = byTenant.get(tenant);
      return c == null ? 0 : c[term.ordinal()];
    }

    long total(Term term) {
      return byTenant.values().stream().mapToLong(c -> c[term.ordinal()]).sum();
    }
  }

  /** This run's count of a term for one tenant, or in total when {@code tenant} is null. */
  long topology(String tenant, Term term) {
    return tenant == null
        ? after.total(term) - before.total(term)
        : after.get(tenant, term) - before.get(tenant, term);
  }

  long simulator(String tenant, Term term) {
    JsonNode node = tenant == null ? simulator : simulator.path("byTenant").path(tenant);
    if (tenant == null && term == Term.OUTPUT) {
      return node.path("new").asLong() + node.path("late").asLong();
    }
    return node.path(term.simulatorField).asLong();
  }

  boolean balances(String tenant) {
    long out = 0;
    for (Term term : Term.values()) {
      if (term != Term.IN) {
        out += topology(tenant, term);
      }
    }
    return topology(tenant, Term.IN) == out;
  }

  void print(PrintStream out) {
    out.printf(
        "  %-16s %10s %10s   (topology: conservation counters from /metrics, this run only)%n",
        "outcome", "simulator", "topology");
    for (Term term : Term.values()) {
      out.printf("  %-16s %10d %10d%n", term.label, simulator(null, term), topology(null, term));
    }
    long in = topology(null, Term.IN);
    out.println(
        balances(null)
            ? "  conservation: in = output + duplicates + updates + deleted + dead-lettered holds ("
                + in
                + ")"
            : "  conservation: in " + in + " does not balance yet (still draining? see /metrics)");
    TreeSet<String> tenants = new TreeSet<>();
    simulator.path("byTenant").fieldNames().forEachRemaining(tenants::add);
    after.byTenant().keySet().stream().filter(t -> topology(t, Term.IN) > 0).forEach(tenants::add);
    out.printf(
        "  %-12s %8s | %8s %8s %8s %8s %8s %8s | %s%n",
        "tenant", "sent", "in", "output", "dup", "upd", "del", "dlq", "conservation");
    for (String tenant : tenants) {
      out.printf(
          "  %-12s %8d | %8d %8d %8d %8d %8d %8d | %s%n",
          tenant,
          simulator(tenant, Term.IN),
          topology(tenant, Term.IN),
          topology(tenant, Term.OUTPUT),
          topology(tenant, Term.DUPLICATES),
          topology(tenant, Term.UPDATES),
          topology(tenant, Term.DELETED),
          topology(tenant, Term.DEAD_LETTERED),
          balances(tenant) ? "holds" : "open");
    }
  }

  public static void main(String[] args) throws IOException {
    if (args.length != 3) {
      System.err.println(
          "usage: RunSummary <simulator summary json> <metrics before> <metrics after>");
      System.exit(2);
    }
    new RunSummary(
            new ObjectMapper().readTree(Files.readString(Path.of(args[0]))),
            Counts.parse(Files.readAllLines(Path.of(args[1]))),
            Counts.parse(Files.readAllLines(Path.of(args[2]))))
        .print(System.out);
  }
}

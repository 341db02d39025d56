package io.fhirflow.bench;

import java.awt.BasicStroke;
import java.awt.Color;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.LogAxis;
import org.jfree.chart.labels.StandardCategoryItemLabelGenerator;
import org.jfree.chart.plot.CategoryPlot;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.category.BarRenderer;
import org.jfree.chart.renderer.category.StandardBarPainter;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.data.category.DefaultCategoryDataset;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/**
 * PNG plots of the benchmarks' figures, written next to their tables (JFreeChart, headless): each
 * measured figure against its ceiling from the same run, and latency distributions. Plots show what
 * the tables say; they never add a number the run did not measure.
 */
public final class BenchChart {

  private static final int WIDTH = 900;
  private static final int HEIGHT = 420;
  private static final Color[] COLORS = {
    new Color(0x7f8c8d), new Color(0x2e86c1), new Color(0xc0392b), new Color(0x27ae60)
  };

  static {
    System.setProperty("java.awt.headless", "true");
  }

  private BenchChart() {}

  /**
   * One bar per label (for example the ceiling and what is measured against it), values printed.
   */
  public static void bars(Path png, String title, String valueLabel, Map<String, Double> values)
      throws IOException {
    DefaultCategoryDataset data = new DefaultCategoryDataset();
    values.forEach((label, value) -> data.addValue(value, valueLabel, label));
    JFreeChart chart =
        ChartFactory.createBarChart(
            title, null, valueLabel, data, PlotOrientation.HORIZONTAL, false, false, false);
    CategoryPlot plot = chart.getCategoryPlot();
    plot.setBackgroundPaint(Color.WHITE);
    plot.setRangeGridlinePaint(Color.LIGHT_GRAY);
    BarRenderer renderer = (BarRenderer) plot.getRenderer();
    renderer.setBarPainter(new StandardBarPainter());
    renderer.setShadowVisible(false);
    renderer.setSeriesPaint(0, COLORS[1]);
    renderer.setDefaultItemLabelGenerator(
        new StandardCategoryItemLabelGenerator("{2}", new java.text.DecimalFormat("#,##0.#")));
    renderer.setDefaultItemLabelsVisible(true);
    // Room right of the longest bar for its printed value.
    plot.getRangeAxis().setUpperMargin(0.18);
    save(png, chart, Math.max(HEIGHT / 2, 90 * values.size() + 100));
  }

  /**
   * Latency against percentile (50 to 99.9), one line per series, on a log time axis: the shape of
   * the tail, which a p50/p99 pair hides.
   */
  public static void percentiles(Path png, String title, Map<String, double[][]> series)
      throws IOException {
    XYSeriesCollection data = new XYSeriesCollection();
    series.forEach(
        (name, points) -> {
          XYSeries s = new XYSeries(name);
          for (double[] p : points) {
            s.add(p[0], Math.max(p[1], 0.01));
          }
          data.addSeries(s);
        });
    JFreeChart chart =
        ChartFactory.createXYLineChart(
            title,
            "percentile",
            "latency (ms)",
            data,
            PlotOrientation.VERTICAL,
            true,
            false,
            false);
    XYPlot plot = chart.getXYPlot();
    plot.setBackgroundPaint(Color.WHITE);
    plot.setDomainGridlinePaint(Color.LIGHT_GRAY);
    plot.setRangeGridlinePaint(Color.LIGHT_GRAY);
    // Ticks in plain milliseconds: LogAxis's own labels are exponents such as 10^2.45.
    LogAxis ms = new LogAxis("latency (ms, log scale)");
    ms.setSmallestValue(0.01);
    ms.setNumberFormatOverride(new java.text.DecimalFormat("#,##0.#"));
    plot.setRangeAxis(ms);
    XYLineAndShapeRenderer renderer = new XYLineAndShapeRenderer(true, true);
    for (int i = 0; i < series.size(); i++) {
      renderer.setSeriesPaint(i, COLORS[(i + 1) % COLORS.length]);
      renderer.setSeriesStroke(i, new BasicStroke(2f));
    }
    plot.setRenderer(renderer);
    save(png, chart, HEIGHT);
  }

  /** Percentile points (50, 75, 90, 95, 99, 99.9) of measured latencies in ms. */
  public static double[][] percentilePoints(long[] latenciesMs) {
    long[] sorted = latenciesMs.clone();
    java.util.Arrays.sort(sorted);
    double[] ps = {50, 75, 90, 95, 99, 99.9};
    double[][] out = new double[ps.length][];
    for (int i = 0; i < ps.length; i++) {
      int index =
          sorted.length == 0
              ? 0
              : (int)
                  Math.min(sorted.length - 1, Math.ceil(ps[i] / 100 * sorted.length - 1e-9) - 1);
      out[i] = new double[] {ps[i], sorted.length == 0 ? 0 : sorted[Math.max(0, index)]};
    }
    return out;
  }

  /**
   * The API benchmark's plots from its own outputs (bench/api/run.sh): wrk's {@code --latency}
   * distribution and the bare-SQL ceiling's line. {@code BenchChart api <wrk.txt> <sql.txt> <dir>}.
   */
  public static void main(String[] args) throws IOException {
    if (args.length != 4 || !args[0].equals("api")) {
      System.err.println("usage: BenchChart api <wrk.txt> <sql.txt> <output dir>");
      System.exit(2);
    }
    String wrk = Files.readString(Path.of(args[1]));
    String sql = Files.readString(Path.of(args[2]));
    Path dir = Path.of(args[3]);
    Map<String, double[][]> series = new LinkedHashMap<>();
    series.put("API (wrk)", wrkPercentiles(wrk));
    series.put("bare SQL ceiling", sqlPercentiles(sql));
    percentiles(
        dir.resolve("api-latency.png"),
        "FHIR API: one patient's last 24 h of heart rate, 100 per page",
        series);
    Map<String, Double> rates = new LinkedHashMap<>();
    rates.put("bare SQL ceiling", number(sql, "rps=([0-9.]+)"));
    rates.put("API", number(wrk, "Requests/sec:\\s+([0-9.]+)"));
    bars(
        dir.resolve("api-throughput.png"),
        "FHIR API against its bare-SQL ceiling (same run)",
        "requests/s",
        rates);
  }

  /** wrk --latency's "Latency Distribution" block: 50%, 75%, 90%, 99% with us/ms/s units. */
  static double[][] wrkPercentiles(String wrk) {
    List<double[]> points = new ArrayList<>();
    Matcher m = Pattern.compile("(?m)^\\s+(50|75|90|99)%\\s+([0-9.]+)(us|ms|s)\\s*$").matcher(wrk);
    while (m.find()) {
      double value = Double.parseDouble(m.group(2));
      double ms =
          switch (m.group(3)) {
            case "us" -> value / 1000;
            case "s" -> value * 1000;
            default -> value;
          };
      points.add(new double[] {Double.parseDouble(m.group(1)), ms});
    }
    if (points.isEmpty()) {
      throw new IllegalArgumentException(
          "no latency distribution in the wrk output (run wrk with --latency)");
    }
    return points.toArray(double[][]::new);
  }

  /** SqlCeiling's p50 and p99. */
  static double[][] sqlPercentiles(String sql) {
    return new double[][] {
      {50, number(sql, "p50=([0-9.]+)ms")}, {99, number(sql, "p99=([0-9.]+)ms")}
    };
  }

  private static double number(String text, String regex) {
    Matcher m = Pattern.compile(regex).matcher(text);
    if (!m.find()) {
      throw new IllegalArgumentException("not found in benchmark output: " + regex);
    }
    return Double.parseDouble(m.group(1));
  }

  private static void save(Path png, JFreeChart chart, int height) throws IOException {
    chart.setBackgroundPaint(Color.WHITE);
    Files.createDirectories(png.toAbsolutePath().getParent());
    ChartUtils.saveChartAsPNG(png.toFile(), chart, WIDTH, height);
    System.out.println(String.format(Locale.ROOT, "plot: %s", png));
  }
}

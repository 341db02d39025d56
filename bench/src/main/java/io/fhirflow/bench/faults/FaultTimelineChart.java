package io.fhirflow.bench.faults;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.CombinedDomainXYPlot;
import org.jfree.chart.plot.ValueMarker;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.chart.ui.RectangleAnchor;
import org.jfree.chart.ui.TextAnchor;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/**
 * The fault run's timeline as a PNG (JFreeChart, in the style of {@code BenchChart}): records in
 * and out per second above, the topology's and the sink's consumer lag below, one vertical marker
 * per step of the schedule, numbered as in the report's schedule table.
 */
public final class FaultTimelineChart {

  /** A step of the schedule, seconds after the simulator started. */
  public record Marker(double second, String label) {}

  private static final Color IN = new Color(0x7f8c8d);
  private static final Color TOPOLOGY = new Color(0x2e86c1);
  private static final Color SINK = new Color(0x27ae60);
  private static final Color FAULT = new Color(0xc0392b);

  static {
    System.setProperty("java.awt.headless", "true");
  }

  private FaultTimelineChart() {}

  public static void write(
      Path png, String title, List<Timeline.Point> points, List<Marker> markers)
      throws IOException {
    XYSeries in = new XYSeries("records in (raw topic)");
    XYSeries processed = new XYSeries("samples processed (topology, all instances)");
    XYSeries rows = new XYSeries("rows written (sink, all workers)");
    XYSeries topologyLag = new XYSeries("topology lag (records)");
    XYSeries sinkLag = new XYSeries("sink lag (records)");
    for (Timeline.Point p : points) {
      if (p.in() != null) {
        in.add(p.second(), p.in());
      }
      processed.add(p.second(), p.processed());
      rows.add(p.second(), p.rows());
      if (p.topologyLag() != null) {
        topologyLag.add(p.second(), p.topologyLag());
      }
      if (p.sinkLag() != null) {
        sinkLag.add(p.second(), p.sinkLag());
      }
    }
    XYPlot rates =
        plot(
            new NumberAxis("per second"),
            List.of(in, processed, rows),
            new Color[] {IN, TOPOLOGY, SINK});
    XYPlot lags =
        plot(
            new NumberAxis("lag (records)"),
            List.of(topologyLag, sinkLag),
            new Color[] {TOPOLOGY, SINK});
    CombinedDomainXYPlot combined =
        new CombinedDomainXYPlot(new NumberAxis("seconds after the simulator started"));
    combined.setGap(8);
    combined.add(rates, 3);
    combined.add(lags, 2);
    for (int i = 0; i < markers.size(); i++) {
      Marker m = markers.get(i);
      for (XYPlot plot : List.of(rates, lags)) {
        ValueMarker marker =
            new ValueMarker(
                m.second(),
                FAULT,
                new BasicStroke(
                    1.2f,
                    BasicStroke.CAP_BUTT,
                    BasicStroke.JOIN_MITER,
                    1f,
                    new float[] {4f, 3f},
                    0f));
        if (plot == rates) {
          marker.setLabel(Integer.toString(i + 1));
          marker.setLabelFont(new Font(Font.SANS_SERIF, Font.BOLD, 12));
          marker.setLabelPaint(FAULT);
          marker.setLabelAnchor(RectangleAnchor.TOP_RIGHT);
          marker.setLabelTextAnchor(TextAnchor.TOP_LEFT);
        }
        plot.addDomainMarker(marker);
      }
    }
    JFreeChart chart = new JFreeChart(title, JFreeChart.DEFAULT_TITLE_FONT, combined, true);
    chart.setBackgroundPaint(Color.WHITE);
    Files.createDirectories(png.toAbsolutePath().getParent());
    ChartUtils.saveChartAsPNG(png.toFile(), chart, 1200, 700);
  }

  private static XYPlot plot(NumberAxis axis, List<XYSeries> series, Color[] colors) {
    XYSeriesCollection data = new XYSeriesCollection();
    series.forEach(data::addSeries);
    XYLineAndShapeRenderer renderer = new XYLineAndShapeRenderer(true, false);
    for (int i = 0; i < series.size(); i++) {
      renderer.setSeriesPaint(i, colors[i]);
      renderer.setSeriesStroke(i, new BasicStroke(1.5f));
    }
    XYPlot plot = new XYPlot(data, null, axis, renderer);
    plot.setBackgroundPaint(Color.WHITE);
    plot.setDomainGridlinePaint(Color.LIGHT_GRAY);
    plot.setRangeGridlinePaint(Color.LIGHT_GRAY);
    return plot;
  }
}

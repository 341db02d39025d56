package io.fhirflow.bench.faults;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TimelineTest {

  @TempDir Path dir;

  /**
   * Two instances; instance 2 is killed after its second line (its port refuses: "down") and comes
   * back counting from zero, already above its old value at the first scrape.
   */
  private Timeline timeline() throws Exception {
    Path csv = dir.resolve("timeline.csv");
    Files.writeString(
        csv,
        String.join(
                "\n",
                Timeline.header(2, 1),
                "1000,100,90,300,280,50,40,5,3,2,0,0,40,30,4,4,2,0,0,500",
                "2000,250,240,700,690,120,100,10,6,4,0,0,100,78,10,6,4,2,7,800",
                "3000,400,300,900,850,200,170,15,10,5,0,0,down,down,down,down,down,down,down,900",
                "4000,550,520,1300,1290,260,220,20,14,6,0,0,130,125,2,2,1,0,0,1100",
                "5000,700,700,1700,1690,300,250,25,16,7,2,0,190,174,6,6,3,1,0,")
            + "\n");
    return Timeline.read(csv);
  }

  @Test
  void aCounterThatFallsStartsANewIncarnationAndEachKeepsItsLastScrape() throws Exception {
    List<Timeline.Incarnation> incarnations = timeline().incarnations();
    assertEquals(3, incarnations.size());
    assertArrayEquals(new long[] {300, 250, 25, 16, 7, 2, 0}, incarnations.get(0).counters());
    assertEquals(0, incarnations.get(0).balance());
    assertEquals(2, incarnations.get(1).instance());
    assertArrayEquals(new long[] {100, 78, 10, 6, 4, 2, 7}, incarnations.get(1).counters());
    assertEquals(2000, incarnations.get(1).lastMs());
    assertArrayEquals(new long[] {190, 174, 6, 6, 3, 1, 0}, incarnations.get(2).counters());
    assertEquals(0, incarnations.get(2).balance());
  }

  @Test
  void ratesAreCounterDeltasPerSecondAndARestartedCounterCountsFromZero() throws Exception {
    List<Timeline.Point> points = timeline().points(2000);
    assertEquals(4, points.size());
    Timeline.Point atFour = points.get(2);
    assertEquals(2.0, atFour.second());
    assertEquals(150.0, atFour.in());
    assertEquals(
        60 + 130, atFour.processed(), 1e-9); // instance 1: 200 → 260; instance 2 restarted: 0 → 130
    assertEquals(200, atFour.rows(), 1e-9);
    assertEquals(30L, atFour.topologyLag());
    assertEquals(10L, atFour.sinkLag());
    assertEquals(
        0,
        points.get(3).rows(),
        1e-9); // the worker did not answer: no rows counted, no negative rate
  }

  @Test
  void theScrapeSumsASeriesOverItsLabelsAndIgnoresLongerNames() {
    Scrape s =
        new Scrape(
            String.join(
                "\n",
                "# HELP kafka_connect_plugins_rows_written rows",
                "kafka_connect_plugins_rows_written{connector=\"fhirflow-sink\",task=\"0\"} 10.0",
                "kafka_connect_plugins_rows_written{connector=\"fhirflow-sink\",task=\"1\"} 5.0",
                "kafka_connect_plugins_rows_written_rate{connector=\"fhirflow-sink\",task=\"1\"} 99.0",
                "fhirflow_samples_in_total 7.0",
                "fhirflow_redis_values_total{outcome=\"lost\"} 3.0",
                "fhirflow_redis_values_total{outcome=\"written\"} 40.0"));
    assertEquals(3.0, s.sum("fhirflow_redis_values_total", "outcome=\"lost\"").getAsDouble());
    assertEquals(15.0, s.sum("kafka_connect_plugins_rows_written").getAsDouble());
    assertEquals(7.0, s.sum("fhirflow_samples_in_total").getAsDouble());
    assertTrue(s.sum("fhirflow_samples_out_total").isEmpty());
  }

  @Test
  void aFaultRecoversWhenBothLagsAreBackAtTheirLevelBeforeIt() {
    List<Timeline.Point> points = new java.util.ArrayList<>();
    for (int s = 0; s < 60; s++) {
      long lag = s < 30 ? 10 : s < 45 ? 5000 : 20;
      points.add(new Timeline.Point(s, 100.0, 100, 100, lag, 15L));
    }
    FaultChecker.Event kill = new FaultChecker.Event(30_000, "kill -9 topology-2");
    var recoveries =
        FaultChecker.recoveries(
            List.of(new FaultChecker.Event(0, "simulator starts"), kill), 0, points, 100);
    assertEquals(1, recoveries.size());
    assertEquals(15.0, recoveries.get(kill));
  }

  @Test
  void aLagThatBuildsUpSlowlyAfterAFaultCountsUntilItIsBackDownNotFromItsFirstLowSeconds() {
    // A stalled sink task: lag still low right after the kill, growing to its peak at 50 s, back at
    // 57 s.
    List<Timeline.Point> points = new java.util.ArrayList<>();
    for (int s = 0; s < 100; s++) {
      long lag = s < 30 ? 100 : s <= 50 ? 100 + (s - 30) * 1000L : s < 57 ? 5000 : 100;
      points.add(new Timeline.Point(s, 100.0, 100, 100, 0L, lag));
    }
    FaultChecker.Event kill = new FaultChecker.Event(30_000, "kill -9 connect-2");
    FaultChecker.Event next = new FaultChecker.Event(80_000, "restart PostgreSQL");
    var recoveries =
        FaultChecker.recoveries(
            List.of(new FaultChecker.Event(0, "simulator starts"), kill, next), 0, points, 100);
    assertEquals(27.0, recoveries.get(kill));
    assertEquals(2.0, recoveries.get(next));
  }
}

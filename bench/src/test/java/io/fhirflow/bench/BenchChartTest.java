package io.fhirflow.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BenchChartTest {

  /** wrk 4.2's --latency block, as bench/api/run.sh saves it. */
  private static final String WRK =
      """
      Running 30s test @ http://127.0.0.1:18080
        2 threads and 16 connections
        Thread Stats   Avg      Stdev     Max   +/- Stdev
          Latency    14.10ms    6.02ms  95.31ms   80.12%
          Req/Sec   570.40     61.17   720.00     70.33%
        Latency Distribution
           50%   13.06ms
           75%   16.54ms
           90%   21.35ms
           99%   36.66ms
        34084 requests in 30.01s, 102.31MB read
      Requests/sec:   1135.76
      Transfer/sec:      3.41MB
      """;

  private static final String SQL =
      "sql-ceiling threads=16 requests=62874 rps=2095 p50=6.91ms p99=21.08ms rows/req=100.0 errors=0\n";

  @Test
  void readsWrksDistributionWithItsUnits() {
    assertThat(BenchChart.wrkPercentiles(WRK))
        .isDeepEqualTo(new double[][] {{50, 13.06}, {75, 16.54}, {90, 21.35}, {99, 36.66}});
    assertThat(BenchChart.wrkPercentiles("    50%  850.00us\n    99%    1.20s\n"))
        .isDeepEqualTo(new double[][] {{50, 0.85}, {99, 1200}});
    assertThat(BenchChart.sqlPercentiles(SQL))
        .isDeepEqualTo(new double[][] {{50, 6.91}, {99, 21.08}});
  }

  @Test
  void percentilePointsAreTheMeasuredLatencies() {
    long[] latencies = new long[1000];
    Arrays.setAll(latencies, i -> i + 1); // 1..1000 ms
    assertThat(BenchChart.percentilePoints(latencies))
        .isDeepEqualTo(
            new double[][] {{50, 500}, {75, 750}, {90, 900}, {95, 950}, {99, 990}, {99.9, 999}});
  }

  @Test
  void writesPngPlotsOfTheApiRun(@TempDir Path dir) throws Exception {
    Files.writeString(dir.resolve("wrk.txt"), WRK);
    Files.writeString(dir.resolve("sql.txt"), SQL);
    BenchChart.main(
        new String[] {
          "api",
          dir.resolve("wrk.txt").toString(),
          dir.resolve("sql.txt").toString(),
          dir.toString()
        });
    for (String png : new String[] {"api-latency.png", "api-throughput.png"}) {
      byte[] bytes = Files.readAllBytes(dir.resolve(png));
      assertThat(Arrays.copyOf(bytes, 4))
          .containsExactly((byte) 0x89, (byte) 'P', (byte) 'N', (byte) 'G');
      assertThat(bytes.length).isGreaterThan(5_000);
    }
    Map<String, Double> values = new LinkedHashMap<>();
    values.put("ceiling", 60_000.0);
    values.put("measured", 25_000.0);
    BenchChart.bars(dir.resolve("bars.png"), "t", "samples/s", values);
    assertThat(dir.resolve("bars.png")).isNotEmptyFile();
  }
}

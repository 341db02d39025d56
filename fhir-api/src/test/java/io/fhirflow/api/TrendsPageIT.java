package io.fhirflow.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fhirflow.api.app.TrendsAppServlet;
import io.fhirflow.api.support.ApiPerClass;
import io.fhirflow.api.support.SharedValidator;
import io.fhirflow.cli.simulate.SimulatedRecord;
import io.fhirflow.cli.simulate.TrafficGenerator;
import io.fhirflow.mapping.FhirMapper;
import io.fhirflow.mapping.Mapped;
import io.fhirflow.mapping.MappingCatalogue;
import io.fhirflow.testkit.Ci;
import java.io.File;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The trends page in a real browser (Debian's headless Chromium through chromedriver) over a week
 * of the simulator's traffic for two users, turned into FHIR by the real mapper and stored by the
 * sink's writer (the pipeline's path without its Kafka hops). Checks what a person sees: the four
 * panels with the right number of points, only the token's patient, a clear message for an expired
 * token, a phone-sized layout, no Content-Security-Policy violation. Screenshots go to
 * target/screenshots; the first paint time to target/trends-first-paint.txt (BENCHMARKS.md).
 */
class TrendsPageIT {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String HEART_RATE = "http://loinc.org|8867-4";
  private static final String STEPS = "http://loinc.org|55423-8";
  private static final Path SCREENSHOTS = Path.of("target/screenshots");

  @RegisterExtension static final ApiPerClass api = new ApiPerClass();
  static WebDriver browser;

  /** Per patient, the stored Observations (parsed). */
  static final Map<String, List<JsonNode>> observations = new LinkedHashMap<>();

  @BeforeAll
  static void start() throws Exception {
    Ci.assumeOutsideCi(
        () -> Files.isExecutable(Path.of("/usr/bin/chromedriver")),
        "Debian's chromium-driver is not installed (bin/test installs it)");
    storeAWeekOfSimulatorTraffic();
    browser = chromium();
    Files.createDirectories(SCREENSHOTS);
  }

  @AfterAll
  static void stop() throws Exception {
    if (browser != null) {
      browser.quit();
    }
  }

  @Test
  void showsTheTokensPatientsDayWeekNightAndVitals() throws Exception {
    String patient = patients().get(0);
    long readyMs = open(api.patientToken(patient, "patient/*.rs"), "ready");

    Map<String, String> hr = dataset("heart-rate");
    Instant from = Instant.parse(hr.get("from"));
    List<Instant> heartRates =
        starts(patient, HEART_RATE).stream().filter(t -> !t.isBefore(from)).toList();
    assertThat(heartRates).hasSizeGreaterThan(200); // a reading every 5 minutes
    assertThat(hr.get("observations")).isEqualTo(String.valueOf(heartRates.size()));
    long bins = heartRates.stream().map(t -> t.getEpochSecond() / 900).distinct().count();
    assertThat(hr.get("points")).isEqualTo(String.valueOf(bins));

    Map<String, String> steps = dataset("steps");
    assertThat(steps.get("points")).isEqualTo("14");
    assertThat(steps.get("sums")).isEqualTo(stepsPerUtcDay(patient));

    Map<String, String> sleep = dataset("sleep");
    assertThat(Integer.parseInt(sleep.get("segments"))).isPositive();
    assertThat(sleep.get("points"))
        .isEqualTo(String.valueOf(Integer.parseInt(sleep.get("segments")) + 1));
    assertThat(browser.findElement(By.id("sleep-summary")).getText()).startsWith("Asleep ");

    assertThat(dataset("vitals").get("count")).isEqualTo("3");
    assertThat(browser.findElement(By.id("vitals")).getText())
        .contains("SpO₂", "Blood pressure", "Weight", "mmHg");
    assertThat(browser.findElements(By.cssSelector(".chart canvas"))).hasSize(3);
    assertThat(bodyData("cspViolations")).isNull();
    screenshot("trends-desktop");
    // The first visit is also the API JVM's first request of each kind (cold JIT, empty pools);
    // a person opening the page on a running server sees the second figure. Both are reported.
    long warmMs = open(api.patientToken(patient, "patient/*.rs"), "ready");
    Files.writeString(
        Path.of("target/trends-first-paint.txt"),
        "first paint with data, one patient, a week of data: "
            + readyMs
            + " ms after navigation start on the API's first requests, "
            + warmMs
            + " ms on a second visit\n"
            + resourceTimings());

    browser.manage().window().setSize(new Dimension(390, 844));
    Object overflow =
        ((JavascriptExecutor) browser)
            .executeScript(
                "return document.documentElement.scrollWidth - document.documentElement.clientWidth;");
    assertThat(((Number) overflow).longValue())
        .as("horizontal overflow on a phone-sized screen")
        .isLessThanOrEqualTo(0);
    screenshot("trends-phone");
    browser.manage().window().setSize(new Dimension(1280, 1600));
  }

  @Test
  void aTokenForAnotherPatientShowsThatPatientOnly() throws Exception {
    String other = patients().get(1);
    open(api.patientToken(other, "patient/*.rs"), "ready");
    assertThat(dataset("steps").get("sums"))
        .isEqualTo(stepsPerUtcDay(other))
        .isNotEqualTo(stepsPerUtcDay(patients().get(0)));
    Instant from = Instant.parse(dataset("heart-rate").get("from"));
    assertThat(dataset("heart-rate").get("observations"))
        .isEqualTo(
            String.valueOf(
                starts(other, HEART_RATE).stream().filter(t -> !t.isBefore(from)).count()));

    String nobody = "no-such-patient";
    open(api.patientToken(nobody, "patient/*.rs"), "ready");
    assertThat(dataset("heart-rate").get("points")).isEqualTo("0");
    assertThat(dataset("steps").get("sums")).isEqualTo("0,0,0,0,0,0,0,0,0,0,0,0,0,0");
    assertThat(dataset("sleep").get("points")).isEqualTo("0");
    assertThat(dataset("vitals").get("count")).isEqualTo("0");
    screenshot("trends-no-data");
  }

  @Test
  void anExpiredTokenShowsAClearMessageAndNoData() throws Exception {
    String expired = api.expiredPatientToken(patients().get(0));
    open(expired, "expired");
    assertThat(browser.findElement(By.id("message")).getText()).contains("expired");
    assertThat(browser.findElement(By.id("charts")).isDisplayed()).isFalse();
    screenshot("trends-expired");

    // A token the API refuses (here: signed by another key) ends the same way, after a 401.
    String foreign =
        io.fhirflow.api.devtoken.TokenMinter.generate()
            .sign(api.claims("patient/*.rs").claim("patient", patients().get(0)).build());
    open(foreign, "expired");
  }

  @Test
  void thePageIsServedWithAPolicyThatKeepsHealthDataOnThisOrigin() throws Exception {
    HttpResponse<String> page = api.get("/app/", null);
    assertThat(page.statusCode()).isEqualTo(200);
    assertThat(page.headers().firstValue("Content-Security-Policy"))
        .hasValue(TrendsAppServlet.CONTENT_SECURITY_POLICY);
    assertThat(TrendsAppServlet.CONTENT_SECURITY_POLICY)
        .contains("default-src 'none'", "connect-src 'self'", "script-src 'self'");
    assertThat(page.headers().firstValue("Referrer-Policy")).hasValue("no-referrer");
    assertThat(page.body()).doesNotContain("http://", "https://");
    assertThat(api.get("/app/vendor/uPlot.iife.min.js", null).statusCode()).isEqualTo(200);
    assertThat(api.get("/app/WEB-INF/web.xml", null).statusCode()).isEqualTo(404);
    assertThat(api.get("/app/trends.js.map", null).statusCode()).isEqualTo(404);
  }

  // ---------------------------------------------------------------- set-up

  /**
   * Two simulated users, eight days back to now, no duplicates or bad records: what a phone syncs.
   */
  private static void storeAWeekOfSimulatorTraffic() {
    Instant now = Instant.now();
    TrafficGenerator traffic =
        new TrafficGenerator(
            2,
            20261205L,
            Clock.systemUTC(),
            Duration.ofDays(8),
            new TrafficGenerator.Mix(0, 0, 0, 0));
    FhirMapper mapper = new FhirMapper(MappingCatalogue.builtIn());
    Map<String, String> resources = new LinkedHashMap<>();
    for (int i = 0; i < 200_000; i++) {
      SimulatedRecord record = traffic.next();
      if (!(record instanceof SimulatedRecord.Sample sample)) {
        continue;
      }
      if (sample.sample().getStartTime().isAfter(now.minusSeconds(60))) {
        break; // caught up with now: the rest would be stamped "now"
      }
      if (mapper.map(sample.sample(), false) instanceof Mapped mapped) {
        mapped.observations().forEach(o -> resources.put(o.id(), o.json()));
        resources.put(mapped.patient().id(), mapped.patient().json());
        mapped.device().ifPresent(d -> resources.put(d.id(), d.json()));
      }
    }
    List<String> all = new ArrayList<>(resources.values());
    for (int i = 0; i < all.size(); i += 5000) {
      api.sink().write(all.subList(i, Math.min(all.size(), i + 5000)), now);
    }
    for (String json : all) {
      JsonNode node = read(json);
      if (node.path("resourceType").asText().equals("Observation")) {
        String patient =
            node.path("subject").path("reference").asText().substring("Patient/".length());
        observations.computeIfAbsent(patient, p -> new ArrayList<>()).add(node);
      }
    }
    // Every kind of resource the page reads is valid FHIR.
    Set<String> seen = new HashSet<>();
    all.stream()
        .filter(j -> seen.add(read(j).path("code").path("coding").path(0).path("code").asText()))
        .forEach(SharedValidator::assertValid);
  }

  private static ChromeDriver chromium() {
    ChromeDriverService service =
        new ChromeDriverService.Builder()
            .usingDriverExecutable(new File("/usr/bin/chromedriver"))
            .usingAnyFreePort()
            // The page shows days in the browser's zone; UTC makes them comparable with the data.
            .withEnvironment(Map.of("TZ", "UTC"))
            .build();
    ChromeOptions options = new ChromeOptions();
    options.setBinary("/usr/bin/chromium");
    options.addArguments(
        "--headless=new",
        "--no-sandbox",
        "--disable-dev-shm-usage",
        "--disable-gpu",
        "--window-size=1280,1600",
        "--lang=en-GB");
    return new ChromeDriver(service, options);
  }

  // ---------------------------------------------------------------- helpers

  private static List<String> patients() {
    return List.copyOf(observations.keySet());
  }

  /** Opens the page with a token and waits for the body's state; returns the page's ready time. */
  private static long open(String token, String state) {
    browser.get("about:blank");
    browser.get(api.base() + "/app/#access_token=" + token);
    new WebDriverWait(browser, Duration.ofSeconds(60)).until(d -> state.equals(bodyData("state")));
    assertThat(browser.getCurrentUrl())
        .as("the token is cleared from the address bar")
        .doesNotContain("access_token");
    String ready = bodyData("readyMs");
    return ready == null ? -1 : Long.parseLong(ready);
  }

  /**
   * Each request of the last page load with its duration (Resource Timing), for BENCHMARKS.md's
   * breakdown.
   */
  private static String resourceTimings() {
    return (String)
        ((JavascriptExecutor) browser)
            .executeScript(
                "return performance.getEntriesByType('resource').map(e => '  ' + Math.round(e.startTime) + ' ms +'"
                    + " + Math.round(e.duration) + ' ms ' + e.name.replace(location.origin, '').replace(/patient=[^&]*/, 'patient=…'))"
                    + ".join('\\n') + '\\n';");
  }

  private static String bodyData(String key) {
    return (String)
        ((JavascriptExecutor) browser)
            .executeScript("return document.body.dataset[arguments[0]] || null;", key);
  }

  @SuppressWarnings("unchecked")
  private static Map<String, String> dataset(String id) {
    return new HashMap<>(
        (Map<String, String>)
            ((JavascriptExecutor) browser)
                .executeScript(
                    "return Object.assign({}, document.getElementById(arguments[0]).dataset);",
                    id));
  }

  private static List<Instant> starts(String patient, String code) {
    return observations.getOrDefault(patient, List.of()).stream()
        .filter(o -> hasCode(o, code))
        .map(TrendsPageIT::start)
        .toList();
  }

  /** The 14 day totals the page should show, oldest first (the browser runs in UTC). */
  private static String stepsPerUtcDay(String patient) {
    LocalDate today = LocalDate.now(ZoneOffset.UTC);
    Map<LocalDate, Double> sums = new LinkedHashMap<>();
    for (int i = 13; i >= 0; i--) {
      sums.put(today.minusDays(i), 0.0);
    }
    observations.getOrDefault(patient, List.of()).stream()
        .filter(o -> hasCode(o, STEPS))
        .forEach(
            o -> {
              LocalDate day = LocalDate.ofInstant(start(o), ZoneOffset.UTC);
              sums.computeIfPresent(
                  day, (d, s) -> s + o.path("valueQuantity").path("value").asDouble());
            });
    return sums.values().stream()
        .map(s -> String.valueOf(Math.round(s)))
        .collect(Collectors.joining(","));
  }

  private static boolean hasCode(JsonNode o, String code) {
    for (JsonNode c : o.path("code").path("coding")) {
      if ((c.path("system").asText() + "|" + c.path("code").asText()).equals(code)) {
        return true;
      }
    }
    return false;
  }

  private static Instant start(JsonNode o) {
    String t =
        o.has("effectiveDateTime")
            ? o.path("effectiveDateTime").asText()
            : o.path("effectivePeriod").path("start").asText();
    return OffsetDateTime.parse(t).toInstant();
  }

  private static JsonNode read(String json) {
    try {
      return JSON.readTree(json);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static void screenshot(String name) throws Exception {
    File shot = ((TakesScreenshot) browser).getScreenshotAs(OutputType.FILE);
    Files.copy(
        shot.toPath(),
        SCREENSHOTS.resolve(name + ".png"),
        java.nio.file.StandardCopyOption.REPLACE_EXISTING);
  }
}

package io.fhirflow.api.bulk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fhirflow.api.support.RequestHeaders;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The Bulk Data Access IG's client flow over plain HTTP: kick off, poll, fetch the files, cancel.
 */
final class BulkClient {

  static final ObjectMapper JSON = new ObjectMapper();
  private final HttpClient http = HttpClient.newHttpClient();
  private final String fhirBase;

  BulkClient(String fhirBase) {
    this.fhirBase = fhirBase;
  }

  HttpResponse<String> kickOff(String pathAndQuery, String token)
      throws IOException, InterruptedException {
    return send(
        "GET",
        fhirBase + pathAndQuery,
        token,
        "Prefer",
        "respond-async",
        "Accept",
        "application/fhir+json");
  }

  HttpResponse<String> send(String method, String url, String token, String... headers)
      throws IOException, InterruptedException {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(url)).method(method, HttpRequest.BodyPublishers.noBody());
    return http.send(
        RequestHeaders.add(b, token, headers).build(), HttpResponse.BodyHandlers.ofString());
  }

  /** Kicks off, polls until the manifest, and returns it. */
  JsonNode export(String pathAndQuery, String token) throws Exception {
    HttpResponse<String> kick = kickOff(pathAndQuery, token);
    assertThat(kick.statusCode()).as(kick.body()).isEqualTo(202);
    return awaitManifest(kick.headers().firstValue("Content-Location").orElseThrow(), token);
  }

  JsonNode awaitManifest(String statusUrl, String token) throws Exception {
    AtomicReference<HttpResponse<String>> last = new AtomicReference<>();
    await()
        .atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(100))
        .until(
            () -> {
              HttpResponse<String> r = send("GET", statusUrl, token);
              last.set(r);
              if (r.statusCode() == 202) {
                assertThat(r.headers().firstValue("X-Progress")).isPresent();
              }
              return r.statusCode() != 202;
            });
    assertThat(last.get().statusCode()).as(last.get().body()).isEqualTo(200);
    assertThat(last.get().headers().firstValue("Expires")).isPresent();
    return JSON.readTree(last.get().body());
  }

  /** Each output file's NDJSON lines, by resource type. */
  Map<String, List<String>> download(JsonNode manifest, String token) throws Exception {
    Map<String, List<String>> byType = new LinkedHashMap<>();
    for (JsonNode out : manifest.get("output")) {
      HttpResponse<String> r = send("GET", out.get("url").asText(), token);
      assertThat(r.statusCode()).isEqualTo(200);
      assertThat(r.headers().firstValue("Content-Type").orElse(""))
          .startsWith("application/fhir+ndjson");
      List<String> lines = r.body().lines().toList();
      assertThat(lines).hasSize(out.get("count").asInt());
      byType.put(out.get("type").asText(), lines);
    }
    return byType;
  }
}

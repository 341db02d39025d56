package io.fhirflow.bench.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The page floor of the API benchmark: Jetty must answer the benchmark's request with exactly the
 * saved page, as the API would (same content type, a Content-Length), or the floor measures
 * something else than the API's response.
 */
class JettyFloorServerTest {

  @Test
  void thePageFloorAnswersEveryGetWithTheSavedPageOverHttp(@TempDir Path dir) throws Exception {
    // ~95 KB like the saved page, with multi-byte UTF-8 so a character/byte mix-up would show.
    String entry = "{\"resourceType\":\"Observation\",\"note\":\"Puls \u00fcber 100 \u2764\"}";
    String json = "{\"entry\":[" + (entry + ",").repeat(1_500) + entry + "]}";
    byte[] page = json.getBytes(StandardCharsets.UTF_8);
    Path file = Files.write(dir.resolve("page.json"), page);

    Server jetty = JettyFloorServer.start(0, JettyFloorServer.servlet("page", file.toString()));
    try {
      int port = ((ServerConnector) jetty.getConnectors()[0]).getLocalPort();
      HttpClient client = HttpClient.newHttpClient();
      for (String path :
          new String[] {
            "/Observation?patient=p1&code=8867-4&date=ge2026-11-25", "/Observation?patient=p2", "/"
          }) {
        HttpResponse<byte[]> response =
            client.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
                HttpResponse.BodyHandlers.ofByteArray());

        assertThat(response.statusCode()).as(path).isEqualTo(200);
        assertThat(response.body()).as(path).isEqualTo(page);
        assertThat(response.headers().firstValue("Content-Type"))
            .hasValueSatisfying(
                type ->
                    assertThat(type.replace(" ", "").toLowerCase())
                        .isEqualTo("application/fhir+json;charset=utf-8"));
        assertThat(response.headers().firstValueAsLong("Content-Length")).hasValue(page.length);
      }
      // The API's set-up (ApiServer), which the figure's note says the floor runs on.
      QueuedThreadPool threads = (QueuedThreadPool) jetty.getThreadPool();
      assertThat(threads.getMaxThreads()).isEqualTo(64);
      assertThat(threads.getMinThreads()).isEqualTo(8);
    } finally {
      jetty.stop();
    }
  }

  @Test
  void anUnknownModeIsRefused() {
    assertThatThrownBy(() -> JettyFloorServer.servlet("pages", "page.json"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("page or sql");
  }
}

package io.fhirflow.bench.api;

import com.zaxxer.hikari.HikariDataSource;
import io.fhirflow.api.store.ObservationStore;
import io.fhirflow.api.store.ReadPool;
import io.fhirflow.api.store.StoredResource;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.TimeZone;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * The floors under the API's benchmark query (issue 19 item 3), on the API's own Jetty set-up
 * (thread pool of 64/8, header cache off, one servlet): what any Java API on this server must spend
 * whatever its code does.
 *
 * <ul>
 *   <li>{@code page}: every GET answered with the same bytes, a page the real API served for the
 *       benchmark query (read from a file): Jetty reading the request and writing ~95 KB, nothing
 *       else.
 *   <li>{@code sql}: the query's {@code patient} parameter read by Jetty, the API's very search
 *       ({@link ObservationStore#search}, the pool settings of {@link SqlCeiling}) run, and the
 *       rows' stored JSON written as a JSON array with a Content-Length: Jetty plus the bare-SQL
 *       ceiling's work, no token, tenant, FHIR parameter parsing, Bundle, paging links or audit.
 * </ul>
 *
 * Args: port mode(page|sql) pageFile|jdbcBaseUrl. Prints READY, runs until killed.
 */
public final class JettyFloorServer {

  private JettyFloorServer() {}

  public static void main(String[] args) throws Exception {
    TimeZone.setDefault(TimeZone.getTimeZone("UTC"));
    int port = Integer.parseInt(args[0]);
    String mode = args[1];
    Server jetty = start(port, servlet(mode, args[2]));
    System.out.println("READY port=" + port + " mode=" + mode);
    jetty.join();
  }

  /**
   * The floor of {@code mode}: {@code page} answers with the file's bytes, {@code sql} searches.
   */
  static HttpServlet servlet(String mode, String pageFileOrJdbcBaseUrl) throws IOException {
    return switch (mode) {
      case "page" -> new FixedPage(Files.readAllBytes(Path.of(pageFileOrJdbcBaseUrl)));
      case "sql" -> new BareSearch(new ObservationStore(pool(pageFileOrJdbcBaseUrl)));
      default -> throw new IllegalArgumentException("mode is page or sql, not " + mode);
    };
  }

  /** Starts {@code servlet} on every path, on the API's Jetty set-up; port 0 takes a free one. */
  static Server start(int port, HttpServlet servlet) throws Exception {
    // The API's Jetty set-up (ApiServer): same pool, same header cache setting.
    QueuedThreadPool threads = new QueuedThreadPool(64, 8);
    threads.setName("floor-http");
    Server jetty = new Server(threads);
    HttpConfiguration http = new HttpConfiguration();
    http.setHeaderCacheSize(0);
    ServerConnector connector = new ServerConnector(jetty, new HttpConnectionFactory(http));
    connector.setPort(port);
    jetty.addConnector(connector);
    ServletContextHandler handler = new ServletContextHandler();
    handler.setContextPath("/");
    handler.addServlet(new ServletHolder("floor", servlet), "/*");
    jetty.setHandler(handler);
    jetty.start();
    return jetty;
  }

  private static HikariDataSource pool(String base) {
    return ReadPool.create(ApiBenchData.url(base), "", "", 8, 5000);
  }

  /** The same bytes for every request. */
  private static final class FixedPage extends HttpServlet {
    private final byte[] page;

    FixedPage(byte[] page) {
      this.page = page;
    }

    @Override
    protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
      resp.setContentType("application/fhir+json;charset=utf-8");
      resp.setContentLength(page.length);
      resp.getOutputStream().write(page);
    }
  }

  /** The API's search for the benchmark query, its rows written as they are stored. */
  static final class BareSearch extends HttpServlet {
    private final ObservationStore store;

    BareSearch(ObservationStore store) {
      this.store = store;
    }

    @Override
    protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
      String patient = req.getParameter("patient");
      List<StoredResource> rows = store.search(ApiBenchData.heartRateLastDay(patient)).rows();
      ByteArrayOutputStream body = new ByteArrayOutputStream(100 * 1024);
      body.write('[');
      for (int i = 0; i < rows.size(); i++) {
        if (i > 0) {
          body.write(',');
        }
        body.write(rows.get(i).jsonUtf8());
      }
      body.write(']');
      resp.setContentType("application/fhir+json;charset=utf-8");
      resp.setContentLength(body.size());
      body.writeTo(resp.getOutputStream());
    }
  }
}

package io.fhirflow.api.app;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;

/**
 * {@code /app/}: the trends page a patient opens with a token (SMART style: the token's patient is
 * the patient shown). The page is static; it reads its data with the token from the API's own FHIR
 * search, so every read is authorised and audited like any other client's.
 *
 * <p>Serves a fixed list of files from the class path (the page and uPlot from its WebJar), loaded
 * once: no directory listing, no path from the request reaches the class loader. Every response
 * carries a Content-Security-Policy that lets the page talk only to this origin: no health value
 * can leave it (no analytics, fonts or CDNs), no inline script runs, no other site can frame it.
 */
public final class TrendsAppServlet extends HttpServlet {

  /** What the page may do: its own scripts, styles and API, nothing else. */
  public static final String CONTENT_SECURITY_POLICY =
      "default-src 'none'; script-src 'self'; "
          + "style-src 'self'; img-src 'self' data:; connect-src 'self'; base-uri 'none'; "
          + "form-action 'none'; frame-ancestors 'none'";

  private static final String UPLOT = "META-INF/resources/webjars/uplot/1.6.30/dist/";
  private static final String PAGE = "io/fhirflow/api/app/";

  private record Asset(byte[] bytes, String contentType) {}

  private final Map<String, Asset> assets =
      Map.of(
          "/", load(PAGE + "index.html", "text/html; charset=utf-8"),
          "/trends.js", load(PAGE + "trends.js", "text/javascript; charset=utf-8"),
          "/trends.css", load(PAGE + "trends.css", "text/css; charset=utf-8"),
          "/vendor/uPlot.iife.min.js",
              load(UPLOT + "uPlot.iife.min.js", "text/javascript; charset=utf-8"),
          "/vendor/uPlot.min.css", load(UPLOT + "uPlot.min.css", "text/css; charset=utf-8"));

  @Override
  protected void doGet(HttpServletRequest req, HttpServletResponse res) throws IOException {
    if (req.getPathInfo() == null) {
      // /app -> /app/: the page's relative links resolve under /app/.
      res.sendRedirect(req.getRequestURI() + "/");
      return;
    }
    Asset asset = assets.get(req.getPathInfo());
    res.setHeader("Content-Security-Policy", CONTENT_SECURITY_POLICY);
    res.setHeader("X-Content-Type-Options", "nosniff");
    // The token travels in the URL fragment, which browsers never send; no referrer either.
    res.setHeader("Referrer-Policy", "no-referrer");
    if (asset == null) {
      res.sendError(HttpServletResponse.SC_NOT_FOUND);
      return;
    }
    res.setHeader("Cache-Control", "no-cache");
    res.setContentType(asset.contentType());
    res.setContentLength(asset.bytes().length);
    res.getOutputStream().write(asset.bytes());
  }

  private static Asset load(String resource, String contentType) {
    try (InputStream in = TrendsAppServlet.class.getClassLoader().getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException("missing class-path resource " + resource);
      }
      return new Asset(in.readAllBytes(), contentType);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}

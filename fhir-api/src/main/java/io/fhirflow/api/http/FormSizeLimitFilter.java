package io.fhirflow.api.http;

import io.fhirflow.api.bulk.OperationOutcomes;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Locale;

/**
 * A form body ({@code POST …/_search}) whose declared length is over the container's form limit
 * gets 413 before anything reads it, so a client that sent {@code Expect: 100-continue} never
 * uploads it. A body without a length (chunked) still meets Jetty's limit while being parsed;
 * ErrorShield answers that one.
 */
public final class FormSizeLimitFilter extends HttpFilter {

  private static final long serialVersionUID = 1L;

  private final long maxFormBytes;

  public FormSizeLimitFilter(long maxFormBytes) {
    this.maxFormBytes = maxFormBytes;
  }

  @Override
  protected void doFilter(HttpServletRequest req, HttpServletResponse res, FilterChain chain)
      throws IOException, ServletException {
    String type = req.getContentType();
    if ("POST".equals(req.getMethod())
        && type != null
        && type.toLowerCase(Locale.ROOT).startsWith("application/x-www-form-urlencoded")
        && req.getContentLengthLong() > maxFormBytes) {
      res.setHeader("Connection", "close");
      OperationOutcomes.send(
          res,
          HttpServletResponse.SC_REQUEST_ENTITY_TOO_LARGE,
          "too-long",
          "The form body is larger than " + maxFormBytes + " bytes");
      return;
    }
    chain.doFilter(req, res);
  }
}

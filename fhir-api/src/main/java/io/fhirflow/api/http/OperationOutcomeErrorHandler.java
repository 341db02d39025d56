package io.fhirflow.api.http;

import io.fhirflow.api.bulk.OperationOutcomes;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;

/**
 * Jetty's own error answers (a URI or headers too long, a malformed request, a path nothing serves,
 * a servlet's sendError) as a FHIR OperationOutcome instead of Jetty's HTML page, like every answer
 * of the FHIR base. The text is the status's reason phrase only: Jetty's message can quote the
 * request.
 */
public final class OperationOutcomeErrorHandler extends ErrorHandler {

  private static final String CONTENT_TYPE = "application/fhir+json;charset=utf-8";

  /**
   * Jetty writes no body for methods other than GET, POST and HEAD; a FHIR client gets one whatever
   * it sent.
   */
  @Override
  public boolean errorPageForMethod(String method) {
    return true;
  }

  @Override
  protected void generateResponse(
      Request request,
      Response response,
      int code,
      String message,
      Throwable cause,
      Callback callback) {
    byte[] body = body(code);
    response.getHeaders().put(HttpHeader.CONTENT_TYPE, CONTENT_TYPE);
    response.getHeaders().put(HttpHeader.CONTENT_LENGTH, body.length);
    response.write(true, ByteBuffer.wrap(body), callback);
  }

  /** Used where Jetty answers a request it could not parse far enough to dispatch. */
  @Override
  public ByteBuffer badMessageError(int status, String reason, HttpFields.Mutable fields) {
    fields.put(HttpHeader.CONTENT_TYPE, CONTENT_TYPE);
    return ByteBuffer.wrap(body(status));
  }

  private static byte[] body(int code) {
    return OperationOutcomes.json(
            "error", issueCode(code), "HTTP " + code + " " + HttpStatus.getMessage(code))
        .getBytes(StandardCharsets.UTF_8);
  }

  /** The FHIR issue-type code closest to an HTTP status. */
  static String issueCode(int status) {
    return switch (status) {
      case 401 -> "login";
      case 403 -> "forbidden";
      case 404, 410 -> "not-found";
      case 405 -> "not-supported";
      case 408, 503, 504 -> "transient";
      case 413, 414, 431 -> "too-long";
      case 429 -> "throttled";
      default -> status >= 500 ? "exception" : "invalid";
    };
  }
}

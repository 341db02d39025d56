package io.fhirflow.api.support;

import java.net.http.HttpRequest;

/** The headers the HTTP-level tests put on a request: a bearer token and any others they name. */
public final class RequestHeaders {

  private RequestHeaders() {}

  /**
   * Adds {@code Authorization: Bearer <token>} (nothing when {@code token} is null), then {@code
   * namesAndValues} as name, value, name, value, ... (a last name without a value is left out).
   */
  public static HttpRequest.Builder add(
      HttpRequest.Builder request, String token, String... namesAndValues) {
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
    for (int i = 0; i + 1 < namesAndValues.length; i += 2) {
      request.header(namesAndValues[i], namesAndValues[i + 1]);
    }
    return request;
  }
}

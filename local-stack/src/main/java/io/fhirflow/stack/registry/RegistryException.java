package io.fhirflow.stack.registry;

/**
 * A request the registry refuses, with Confluent's HTTP status and {@code error_code}, so that
 * clients written for Confluent Schema Registry react to it as they would there.
 */
public final class RegistryException extends RuntimeException {

  private final int httpStatus;
  private final int errorCode;

  RegistryException(int httpStatus, int errorCode, String message) {
    super(message);
    this.httpStatus = httpStatus;
    this.errorCode = errorCode;
  }

  public int httpStatus() {
    return httpStatus;
  }

  public int errorCode() {
    return errorCode;
  }

  static RegistryException subjectNotFound(String subject) {
    return new RegistryException(404, 40401, "Subject '" + subject + "' not found.");
  }

  static RegistryException versionNotFound(String subject, String version) {
    return new RegistryException(
        404, 40402, "Version " + version + " not found for subject '" + subject + "'.");
  }

  static RegistryException schemaNotFound() {
    return new RegistryException(404, 40403, "Schema not found");
  }

  static RegistryException subjectLevelNotConfigured(String subject) {
    return new RegistryException(
        404,
        40408,
        "Subject '" + subject + "' does not have subject-level compatibility configured");
  }

  static RegistryException invalidSchema(String reason) {
    return new RegistryException(422, 42201, "Invalid schema: " + reason);
  }

  static RegistryException invalidVersion(String version) {
    return new RegistryException(
        422,
        42202,
        "The specified version '"
            + version
            + "' is not a valid version id. Allowed values are between [1, 2^31-1] and the string \"latest\"");
  }

  static RegistryException invalidCompatibilityLevel(String level) {
    return new RegistryException(
        422,
        42203,
        "Invalid compatibility level '"
            + level
            + "'. Valid values are NONE, BACKWARD, FORWARD, FULL, BACKWARD_TRANSITIVE, FORWARD_TRANSITIVE, and FULL_TRANSITIVE");
  }

  static RegistryException incompatible(String subject, java.util.List<String> problems) {
    return new RegistryException(
        409,
        409,
        "Schema being registered is incompatible with an earlier schema for subject \""
            + subject
            + "\", details: "
            + problems);
  }

  static RegistryException badRequest(String reason) {
    return new RegistryException(400, 400, reason);
  }

  static RegistryException notFound(String path) {
    return new RegistryException(404, 404, "HTTP 404 Not Found: " + path);
  }

  static RegistryException storeError(String reason) {
    return new RegistryException(500, 50001, "Error in the backend data store: " + reason);
  }
}

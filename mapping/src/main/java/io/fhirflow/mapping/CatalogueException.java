package io.fhirflow.mapping;

/**
 * A catalogue file is missing or malformed; fatal at start-up. The message names the file and line.
 */
public final class CatalogueException extends RuntimeException {
  public CatalogueException(String message) {
    super(message);
  }

  public CatalogueException(String message, Throwable cause) {
    super(message, cause);
  }

  static CatalogueException at(String file, int line, String problem) {
    return new CatalogueException(file + " line " + line + ": " + problem);
  }
}

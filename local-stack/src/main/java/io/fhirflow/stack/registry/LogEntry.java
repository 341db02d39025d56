package io.fhirflow.stack.registry;

/** One fact the registry keeps in its compacted topic; replaying all of them rebuilds its state. */
sealed interface LogEntry {

  /**
   * {@code schema} is registered under {@code subject} as {@code version} with the global {@code
   * id}.
   */
  record SchemaEntry(String subject, int version, int id, String schema) implements LogEntry {}

  /**
   * The compatibility level of {@code subject}, or the global level when {@code subject} is null; a
   * null {@code level} removes a subject's own level.
   */
  record ConfigEntry(String subject, CompatibilityLevel level) implements LogEntry {}
}

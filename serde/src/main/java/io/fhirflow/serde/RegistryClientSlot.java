package io.fhirflow.serde;

/**
 * The registry client a serde, or one of its halves, talks to, and whether closing it is its job: a
 * client given to its constructor or shared by {@link SpecificAvroSerde} is closed by whoever made
 * it; one built from the configuration is closed here. Not thread-safe: set during configure, read
 * after.
 */
final class RegistryClientSlot {

  private SchemaRegistryClient client;
  private boolean owned;

  /**
   * @param given a client whose owner closes it, or null to build one from the configuration
   */
  RegistryClientSlot(SchemaRegistryClient given) {
    this.client = given;
  }

  /**
   * Builds and owns a client from {@code config} unless one was given or shared already; returns
   * whether it built one (so a serde can share it with its halves).
   */
  boolean configure(SerdeConfig config) {
    if (client != null) {
      return false;
    }
    client = SchemaRegistryClient.fromConfig(config);
    owned = true;
    return true;
  }

  /** Uses {@code shared}, which its owner closes, instead of building a client at configure. */
  void share(SchemaRegistryClient shared) {
    client = shared;
    owned = false;
  }

  /** The client; null until given, shared or configured. */
  SchemaRegistryClient client() {
    return client;
  }

  /** Closes the client if it was built here. */
  void close() {
    if (owned) {
      client.close();
    }
  }
}

package io.fhirflow.topology;

import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/** The entries of a state store that share a key prefix: one person's or patient's share of it. */
public final class PrefixedEntries {

  private PrefixedEntries() {}

  /**
   * Deletes every entry of {@code store} whose key starts with {@code prefix} and returns them in
   * scan order. The entries are collected first and deleted after the scan is closed, so the scan
   * never runs over a store it is changing.
   */
  public static <K, V, P> List<KeyValue<K, V>> remove(
      KeyValueStore<K, V> store, P prefix, Serializer<P> prefixSerializer) {
    List<KeyValue<K, V>> found = new ArrayList<>();
    try (KeyValueIterator<K, V> it = store.prefixScan(prefix, prefixSerializer)) {
      it.forEachRemaining(found::add);
    }
    found.forEach(e -> store.delete(e.key));
    return found;
  }
}

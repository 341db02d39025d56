package io.fhirflow.topology.dedupe;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Deletes expired entries from a key-value store a slice at a time. Kafka Streams has no TTL
 * key-value store, and RocksDB's own TTL would not reach the changelog, so expiry is a scan on a
 * punctuator; each run examines at most {@code maxEntries} from where the last one stopped, so a
 * large store never pauses processing for long. Deletes go through the store, hence the changelog.
 */
public final class ExpirySweep<K, V> {

  private final KeyValueStore<K, V> store;
  private final int maxEntries;
  private K cursor;

  public ExpirySweep(KeyValueStore<K, V> store, int maxEntries) {
    this.store = store;
    this.maxEntries = maxEntries;
  }

  /** Whether the last run reached the store's end, so the next one starts a new pass. */
  public boolean passComplete() {
    return cursor == null;
  }

  /** Examines the next slice; returns how many entries it deleted. */
  public int run(Predicate<V> isExpired) {
    List<K> expired = new ArrayList<>();
    int examined = 0;
    K last = null;
    // Collect first, delete after the iterator is closed: deleting under an open iterator of the
    // caching layer is not supported.
    try (KeyValueIterator<K, V> it = cursor == null ? store.all() : store.range(cursor, null)) {
      while (it.hasNext() && examined < maxEntries) {
        KeyValue<K, V> e = it.next();
        examined++;
        last = e.key;
        if (isExpired.test(e.value)) {
          expired.add(e.key);
        }
      }
      cursor = it.hasNext() ? last : null;
    }
    for (K key : expired) {
      store.delete(key);
    }
    return expired.size();
  }
}

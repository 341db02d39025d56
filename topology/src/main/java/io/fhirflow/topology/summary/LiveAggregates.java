package io.fhirflow.topology.summary;

import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * {@link SummaryState#AGGREGATES} with the most recently used aggregates kept decoded in memory, in
 * front of the store: a sync batch touches the same few hourly and daily summaries of its user once
 * per sample, and decoding an aggregate (its exact sum, extremes and up to 20 source ids) on each
 * get was most of the per-sample store work. Writes still go through the store at once (record
 * cache, changelog), so the store stays the truth; this only saves decoding what was just written.
 *
 * <p>An aggregate handed out is the cached instance: callers change it and put it back, as they did
 * with a decoded copy. If a change is not put back (an exception), the task fails and is
 * re-initialised, which {@link #clear}s this cache ({@link SummaryProcessor#init}).
 */
final class LiveAggregates {

  private final KeyValueStore<Bytes, SummaryAggregate> store;
  private final Map<Bytes, SummaryAggregate> decoded;

  LiveAggregates(KeyValueStore<Bytes, SummaryAggregate> store, int maxEntries) {
    this.store = store;
    this.decoded =
        new LinkedHashMap<>(16, 0.75f, true) {
          @Override
          protected boolean removeEldestEntry(Map.Entry<Bytes, SummaryAggregate> eldest) {
            return size() > maxEntries;
          }
        };
  }

  /** The aggregate of summary {@code key}, or null. */
  SummaryAggregate get(Bytes key) {
    SummaryAggregate a = decoded.get(key);
    if (a == null) {
      a = store.get(key);
      if (a != null) {
        decoded.put(key, a);
      }
    }
    return a;
  }

  void put(Bytes key, SummaryAggregate a) {
    store.put(key, a);
    decoded.put(key, a);
  }

  void delete(Bytes key) {
    store.delete(key);
    decoded.remove(key);
  }

  /** Forgets every decoded aggregate (the store changed behind it: a sweep, an erasure). */
  void clear() {
    decoded.clear();
  }

  KeyValueStore<Bytes, SummaryAggregate> store() {
    return store;
  }
}

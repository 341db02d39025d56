package io.fhirflow.topology.summary;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.StateStore;
import org.apache.kafka.streams.processor.StateStoreContext;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.internals.WrappedStateStore;

/**
 * A summaries store that keeps its values as objects and writes the changed ones to the store below
 * (RocksDB and its changelog, no record cache) once per commit, instead of encoding and caching
 * each value on every put.
 *
 * <p>Why: with the Streams record cache, every put of an aggregate encoded it (~450 bytes with 20
 * source ids) into the thread's cache, and that cache, shared with every other store of the thread
 * and full in steady state, evicted (wrote) an entry of the same store on most puts: in the dense
 * topology benchmark 1.45 aggregate changelog records went out per sample, for about 1.7 aggregate
 * puts, where once per summary and commit was the intent (BENCHMARKS.md, "Summaries on vs off",
 * 2026-12-07). Here a sync batch's many changes to its user's few summaries cost one encoding, one
 * RocksDB put and one changelog record each per commit, and the record cache is left to the other
 * stores.
 *
 * <p>When it writes: Kafka Streams 4.4 calls {@code flushCache()} of each registered store that is
 * a {@code CachedStateStore} before it flushes the producer and commits the transaction ({@code
 * StreamTask.prepareCommit}); {@code StateStore.flush()}/{@code commit(offsets)} come only after
 * the commit, too late for exactly-once. So the changed values are written in {@link #flushCache},
 * and their changelog records are part of the transaction that holds the outputs they led to. They
 * are also written before any scan (which reads the store below) and, oldest first, when more than
 * {@code maxDirty} are pending (writing early is always right: the store below is the truth within
 * the transaction). A task closed without commit (a failure, a fenced producer) drops what was not
 * written: its transaction aborts and the store is restored from the changelog.
 *
 * <p>Values handed out are the cached instances: a caller changes one and puts it back (as {@link
 * SummaryProcessor} does). {@link SummaryAggregate} is mutable; {@link SummaryState.RecordShares}
 * is not.
 *
 * <p>{@code WrappedStateStore} and {@code CachedStateStore} are Kafka Streams internals (public
 * classes of an internal package): an upgrade of Kafka Streams must keep {@code
 * WriteBehindStoreTest} and the summary topology tests green.
 */
final class WriteBehindStore<V> extends WrappedStateStore<KeyValueStore<Bytes, V>, Bytes, V>
    implements KeyValueStore<Bytes, V> {

  private final int maxClean;
  private final int maxDirty;

  /** Changed since the last write, in the order first changed. */
  private final LinkedHashMap<Bytes, V> dirty = new LinkedHashMap<>();

  /** Written (or read) values, most recently used last, at most {@code maxClean}. */
  private final LinkedHashMap<Bytes, V> clean;

  WriteBehindStore(KeyValueStore<Bytes, V> below, int maxClean, int maxDirty) {
    super(below);
    this.maxClean = maxClean;
    this.maxDirty = maxDirty;
    this.clean =
        new LinkedHashMap<>(16, 0.75f, true) {
          @Override
          protected boolean removeEldestEntry(Map.Entry<Bytes, V> eldest) {
            return size() > WriteBehindStore.this.maxClean;
          }
        };
  }

  /**
   * Builds the store below with {@code below} (its record cache disabled: this store is the cache)
   * and this store in front of it.
   */
  static <V> StoreBuilder<KeyValueStore<Bytes, V>> builder(
      StoreBuilder<KeyValueStore<Bytes, V>> below, int maxClean, int maxDirty) {
    StoreBuilder<KeyValueStore<Bytes, V>> uncached = below.withCachingDisabled();
    return new StoreBuilder<>() {
      @Override
      public StoreBuilder<KeyValueStore<Bytes, V>> withCachingEnabled() {
        throw new UnsupportedOperationException("a write-behind store is its own cache");
      }

      @Override
      public StoreBuilder<KeyValueStore<Bytes, V>> withCachingDisabled() {
        return this;
      }

      @Override
      public StoreBuilder<KeyValueStore<Bytes, V>> withLoggingEnabled(Map<String, String> config) {
        uncached.withLoggingEnabled(config);
        return this;
      }

      @Override
      public StoreBuilder<KeyValueStore<Bytes, V>> withLoggingDisabled() {
        uncached.withLoggingDisabled();
        return this;
      }

      @Override
      public KeyValueStore<Bytes, V> build() {
        return new WriteBehindStore<>(uncached.build(), maxClean, maxDirty);
      }

      @Override
      public Map<String, String> logConfig() {
        return uncached.logConfig();
      }

      @Override
      public boolean loggingEnabled() {
        return uncached.loggingEnabled();
      }

      @Override
      public String name() {
        return uncached.name();
      }
    };
  }

  @Override
  public void init(StateStoreContext context, StateStore root) {
    dirty.clear();
    clean.clear();
    super.init(context, root);
  }

  @Override
  public V get(Bytes key) {
    V v = dirty.get(key);
    if (v != null) {
      return v;
    }
    v = clean.get(key);
    if (v == null) {
      v = wrapped().get(key);
      if (v != null) {
        keepClean(key, v);
      }
    }
    return v;
  }

  @Override
  public void put(Bytes key, V value) {
    if (value == null) {
      delete(key);
      return;
    }
    clean.remove(key);
    dirty.put(key, value);
    if (dirty.size() > maxDirty) {
      Iterator<Map.Entry<Bytes, V>> eldest = dirty.entrySet().iterator();
      Map.Entry<Bytes, V> e = eldest.next();
      eldest.remove();
      wrapped().put(e.getKey(), e.getValue());
      keepClean(e.getKey(), e.getValue());
    }
  }

  @Override
  public V putIfAbsent(Bytes key, V value) {
    V old = get(key);
    if (old == null) {
      put(key, value);
    }
    return old;
  }

  @Override
  public void putAll(List<KeyValue<Bytes, V>> entries) {
    entries.forEach(e -> put(e.key, e.value));
  }

  /** Deletes go through at once: they are rare (an emptied summary, the sweep, an erasure). */
  @Override
  public V delete(Bytes key) {
    V pending = dirty.remove(key);
    V cached = clean.remove(key);
    V old = wrapped().delete(key);
    return pending != null ? pending : cached != null ? cached : old;
  }

  @Override
  public KeyValueIterator<Bytes, V> range(Bytes from, Bytes to) {
    writeDirty();
    return wrapped().range(from, to);
  }

  @Override
  public KeyValueIterator<Bytes, V> reverseRange(Bytes from, Bytes to) {
    writeDirty();
    return wrapped().reverseRange(from, to);
  }

  @Override
  public KeyValueIterator<Bytes, V> all() {
    writeDirty();
    return wrapped().all();
  }

  @Override
  public KeyValueIterator<Bytes, V> reverseAll() {
    writeDirty();
    return wrapped().reverseAll();
  }

  @Override
  public <PS extends Serializer<P>, P> KeyValueIterator<Bytes, V> prefixScan(
      P prefix, PS prefixKeySerializer) {
    writeDirty();
    return wrapped().prefixScan(prefix, prefixKeySerializer);
  }

  @Override
  public long approximateNumEntries() {
    return wrapped().approximateNumEntries() + dirty.size();
  }

  /** Before every commit (see the class comment): the changed values go to the store below. */
  @Override
  public void flushCache() {
    writeDirty();
    super.flushCache();
  }

  /** The task is closed without commit or its state is wiped: nothing pending may be written. */
  @Override
  public void clearCache() {
    dirty.clear();
    clean.clear();
    super.clearCache();
  }

  @Override
  public void close() {
    dirty.clear();
    clean.clear();
    super.close();
  }

  private void writeDirty() {
    if (dirty.isEmpty()) {
      return;
    }
    for (Map.Entry<Bytes, V> e : dirty.entrySet()) {
      wrapped().put(e.getKey(), e.getValue());
      keepClean(e.getKey(), e.getValue());
    }
    dirty.clear();
  }

  /**
   * Keeps a written or read value decoded, unless this store keeps none ({@code maxClean} 0): an
   * insert and an eviction per entry for nothing where entries are seldom read again.
   */
  private void keepClean(Bytes key, V value) {
    if (maxClean > 0) {
      clean.put(key, value);
    }
  }
}

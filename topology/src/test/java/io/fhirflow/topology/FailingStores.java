package io.fhirflow.topology;

import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.errors.ProcessorStateException;
import org.apache.kafka.streams.processor.StateStore;
import org.apache.kafka.streams.processor.StateStoreContext;
import org.apache.kafka.streams.query.Position;
import org.apache.kafka.streams.query.PositionBound;
import org.apache.kafka.streams.query.Query;
import org.apache.kafka.streams.query.QueryConfig;
import org.apache.kafka.streams.query.QueryResult;
import org.apache.kafka.streams.state.KeyValueBytesStoreSupplier;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Wraps the topology's RocksDB stores so a test can make one fail as a full disk does: every read
 * and write of the named store throws RocksDB's {@link ProcessorStateException} while {@link
 * #failing} names it.
 */
final class FailingStores implements UnaryOperator<KeyValueBytesStoreSupplier> {

  /** The store that fails now, or null. */
  volatile String failing;

  @Override
  public KeyValueBytesStoreSupplier apply(KeyValueBytesStoreSupplier supplier) {
    return new KeyValueBytesStoreSupplier() {
      @Override
      public String name() {
        return supplier.name();
      }

      @Override
      public KeyValueStore<Bytes, byte[]> get() {
        return new Store(supplier.get());
      }

      @Override
      public String metricsScope() {
        return supplier.metricsScope();
      }
    };
  }

  private final class Store implements KeyValueStore<Bytes, byte[]> {
    private final KeyValueStore<Bytes, byte[]> inner;

    Store(KeyValueStore<Bytes, byte[]> inner) {
      this.inner = inner;
    }

    private void check() {
      if (inner.name().equals(failing)) {
        throw new ProcessorStateException(
            "Error while putting key to store " + inner.name(),
            new RuntimeException("No space left on device"));
      }
    }

    @Override
    public void put(Bytes key, byte[] value) {
      check();
      inner.put(key, value);
    }

    @Override
    public byte[] putIfAbsent(Bytes key, byte[] value) {
      check();
      return inner.putIfAbsent(key, value);
    }

    @Override
    public void putAll(List<KeyValue<Bytes, byte[]>> entries) {
      check();
      inner.putAll(entries);
    }

    @Override
    public byte[] delete(Bytes key) {
      check();
      return inner.delete(key);
    }

    @Override
    public byte[] get(Bytes key) {
      check();
      return inner.get(key);
    }

    @Override
    public KeyValueIterator<Bytes, byte[]> range(Bytes from, Bytes to) {
      check();
      return inner.range(from, to);
    }

    @Override
    public KeyValueIterator<Bytes, byte[]> all() {
      check();
      return inner.all();
    }

    @Override
    public long approximateNumEntries() {
      return inner.approximateNumEntries();
    }

    @Override
    public String name() {
      return inner.name();
    }

    @Override
    public void init(StateStoreContext context, StateStore root) {
      inner.init(context, root);
    }

    @Override
    public void commit(Map<TopicPartition, Long> offsets) {
      inner.commit(offsets);
    }

    @Override
    public Long committedOffset(TopicPartition partition) {
      return inner.committedOffset(partition);
    }

    @Override
    public boolean managesOffsets() {
      return inner.managesOffsets();
    }

    @Override
    public void close() {
      inner.close();
    }

    @Override
    public boolean persistent() {
      return inner.persistent();
    }

    @Override
    public boolean isOpen() {
      return inner.isOpen();
    }

    @Override
    public <R> QueryResult<R> query(Query<R> query, PositionBound bound, QueryConfig config) {
      return inner.query(query, bound, config);
    }

    @Override
    public Position getPosition() {
      return inner.getPosition();
    }
  }
}

package io.fhirflow.topology.fhir;

import io.fhirflow.mapping.FhirResource;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.kafka.streams.processor.api.ContextualProcessor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Passes a Patient or Device resource on only the first time its id is seen and whenever its JSON
 * changes, remembering a SHA-256 of the JSON per id (32 bytes instead of the resource). Every
 * sample carries its Patient, so without this the compacted topics would get one record per sample.
 * The store is small (one row per person or device) and is the truth across restarts; in front of
 * it a small in-memory map of the JSON last passed per id skips the hash and the store lookup for
 * the common case, a user's next sample with an unchanged Patient.
 *
 * <p>With {@code ownerScoped} the store key is the record key (the patient id) then U+001F then the
 * resource id, so that every Device of one person is found by a prefix scan when they are erased
 * ({@link #ownerPrefix}); the record passed on is keyed by the resource id either way.
 */
public final class EmitOnChangeProcessor
    extends ContextualProcessor<String, FhirResource, String, String> {

  private static final int RECENT_IDS = 10_000;

  private final String storeName;
  private final boolean ownerScoped;
  private final Map<String, String> recent =
      new LinkedHashMap<>(1024, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, String> eldest) {
          return size() > RECENT_IDS;
        }
      };
  private KeyValueStore<String, byte[]> hashes;
  private MessageDigest sha256;

  public EmitOnChangeProcessor(String storeName) {
    this(storeName, false);
  }

  public EmitOnChangeProcessor(String storeName, boolean ownerScoped) {
    this.storeName = storeName;
    this.ownerScoped = ownerScoped;
  }

  /** The start of every owner-scoped store key of {@code ownerId}. */
  public static String ownerPrefix(String ownerId) {
    return ownerId + '\u001f';
  }

  @Override
  public void init(ProcessorContext<String, String> context) {
    super.init(context);
    // A revived task (after an aborted transaction) re-runs init: what was passed then may not
    // have been committed, so the store alone decides again.
    recent.clear();
    hashes = context.getStateStore(storeName);
    try {
      sha256 = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM provides SHA-256", e);
    }
  }

  @Override
  public void process(Record<String, FhirResource> record) {
    FhirResource resource = record.value();
    if (resource == null) {
      // A person was erased (ErasureProcessor removed their entries from the store): what
      // this instance remembers in front of the store must go too, or their next sample would not
      // emit their Patient or Device again. Rare, so the whole map is dropped.
      recent.clear();
      return;
    }
    String key = ownerScoped ? ownerPrefix(record.key()) + resource.id() : resource.id();
    if (resource.json().equals(recent.get(key))) {
      return;
    }
    byte[] hash = sha256.digest(resource.json().getBytes(StandardCharsets.UTF_8));
    if (!Arrays.equals(hash, hashes.get(key))) {
      // Remembered only once passed on: a record that fails here (or in the sink) must leave no
      // trace, or the next sample of the same user would find the resource "already emitted".
      context()
          .forward(
              new Record<>(resource.id(), resource.json(), record.timestamp(), record.headers()));
      hashes.put(key, hash);
    }
    recent.put(key, resource.json());
  }
}

package io.fhirflow.topology;

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
 * sample carries its Patient, so without this the compacted topics would get one record per
 * sample. The store is small (one row per person or device) and is the truth across restarts; in
 * front of it a small in-memory map of the JSON last passed per id skips the hash and the store
 * lookup for the common case, a user's next sample with an unchanged Patient.
 */
final class EmitOnChangeProcessor extends ContextualProcessor<String, FhirResource, String, String> {

  private static final int RECENT_IDS = 10_000;

  private final String storeName;
  private final Map<String, String> recent = new LinkedHashMap<>(1024, 0.75f, true) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<String, String> eldest) {
      return size() > RECENT_IDS;
    }
  };
  private KeyValueStore<String, byte[]> hashes;
  private MessageDigest sha256;

  EmitOnChangeProcessor(String storeName) {
    this.storeName = storeName;
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
    if (resource.json().equals(recent.get(resource.id()))) {
      return;
    }
    byte[] hash = sha256.digest(resource.json().getBytes(StandardCharsets.UTF_8));
    if (!Arrays.equals(hash, hashes.get(resource.id()))) {
      // Remembered only once passed on: a record that fails here (or in the sink) must leave no
      // trace, or the next sample of the same user would find the resource "already emitted".
      context().forward(new Record<>(resource.id(), resource.json(), record.timestamp(), record.headers()));
      hashes.put(resource.id(), hash);
    }
    recent.put(resource.id(), resource.json());
  }
}

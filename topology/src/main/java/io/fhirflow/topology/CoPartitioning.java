package io.fhirflow.topology;

import io.fhirflow.contracts.Tenants;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The topics the raw topic's tasks read together must have its partition count: every tenant's raw
 * topic ({@code <raw>.<tenant>}, subscribed by pattern into the same sub-topology) and the erasure
 * topic. Kafka Streams would otherwise create as many tasks as the largest of them has partitions
 * and hand a tenant's partition to a task that holds none of the person's state: a person's samples
 * would be deduplicated and erased in another task than their erasure request, which would then be
 * carried out nowhere.
 *
 * <p>Checked once at start (a tenant topic added later is created with the right count by {@code
 * fhirflow tenant add}, which describes the raw topic first).
 */
final class CoPartitioning {

  private CoPartitioning() {}

  /**
   * @param partitions the partition count of each topic described; the raw and erasure topics must
   *     be among them, other entries are kept only when they are raw topics of a tenant
   * @return one line per topic whose count is not the raw topic's (ordered by topic name); empty
   *     when all agree
   */
  static List<String> mismatches(
      String raw,
      String rawConfig,
      String erasure,
      String erasureConfig,
      Map<String, Integer> partitions) {
    int expected = partitions.get(raw);
    List<String> out = new ArrayList<>();
    Integer erasures = partitions.get(erasure);
    if (erasures != null && erasures != expected) {
      out.add(
          erasureConfig
              + " ("
              + erasure
              + ") has "
              + erasures
              + " partitions, "
              + rawConfig
              + " ("
              + raw
              + ") has "
              + expected
              + ": they must be equal (erasure requests are read in the tasks of the raw partitions)");
    }
    for (Map.Entry<String, Integer> e : new TreeMap<>(partitions).entrySet()) {
      String tenant = Tenants.ofRawTopic(raw, e.getKey());
      if (tenant != null && !Tenants.DEFAULT.equals(tenant) && e.getValue() != expected) {
        out.add(
            "tenant "
                + tenant
                + "'s raw topic "
                + e.getKey()
                + " has "
                + e.getValue()
                + " partitions, "
                + raw
                + " has "
                + expected
                + ": they must be equal (a tenant's records are read in the tasks of the raw"
                + " partitions); fhirflow tenant add creates it so");
      }
    }
    return out;
  }
}

package io.fhirflow.topology;

import io.fhirflow.contracts.Tenants;

/**
 * The tenant of a raw record: the raw topic it was read from ({@link Tenants#ofRawTopic}), which
 * the broker's ACLs let only that tenant's gateways write. One per task: a task reads a handful of
 * topics, so the last answer is kept and a record costs one reference comparison.
 */
public final class TenantOfTopic {

  private final String raw;
  private String lastTopic;
  private String lastTenant;

  public TenantOfTopic(String raw) {
    this.raw = raw;
  }

  /**
   * @return the tenant, or null when {@code topic} is not a raw topic
   */
  public String of(String topic) {
    if (topic != lastTopic) {
      lastTenant = Tenants.ofRawTopic(raw, topic);
      lastTopic = topic;
    }
    return lastTenant;
  }
}

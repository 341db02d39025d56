package io.fhirflow.bench.topology;

import java.lang.management.ManagementFactory;
import java.util.Map;
import java.util.TreeMap;
import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.ObjectName;

/**
 * The in-JVM broker's requests by type (its {@code kafka.network RequestMetrics} meters, read over
 * the platform MBean server), so a run can say which requests a feature adds, which the clients'
 * own "requests" counter lumps together, and the produce requests by topic.
 */
final class BrokerRequestCounts {

  private BrokerRequestCounts() {}

  /** Requests received so far, by request type (Produce, Fetch, EndTxn, ...). */
  static Map<String, Double> now() {
    Map<String, Double> counts = new TreeMap<>();
    MBeanServer server = ManagementFactory.getPlatformMBeanServer();
    try {
      for (ObjectName name :
          server.queryNames(
              new ObjectName("kafka.network:type=RequestMetrics,name=RequestsPerSec,*"), null)) {
        Object count = server.getAttribute(name, "Count");
        if (count instanceof Number n) {
          counts.merge(name.getKeyProperty("request"), n.doubleValue(), Double::sum);
        }
      }
      // Produce requests that carried a batch of each topic: which topics a feature cuts into more
      // requests.
      for (ObjectName name :
          server.queryNames(
              new ObjectName(
                  "kafka.server:type=BrokerTopicMetrics,name=TotalProduceRequestsPerSec,topic=*"),
              null)) {
        Object count = server.getAttribute(name, "Count");
        if (count instanceof Number n) {
          counts.merge("Produce:" + name.getKeyProperty("topic"), n.doubleValue(), Double::sum);
        }
      }
    } catch (JMException e) {
      // A diagnostic only: a broker without these meters leaves the line empty.
    }
    return counts;
  }
}

package io.fhirflow.testkit;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * Worker properties of a Kafka Connect standalone worker inside a test's JVM: the converters and
 * isolation the fhirflow sink runs with (as config/sink-standalone.properties), a REST listener on
 * a free port and a quick offset flush; and the fhirflow sink connector's settings as the ITs run
 * it.
 */
public final class ConnectWorkers {

  private ConnectWorkers() {}

  public static Map<String, String> standalone(String bootstrapServers, Path offsetsFile) {
    Map<String, String> props = new HashMap<>();
    props.put("bootstrap.servers", bootstrapServers);
    props.put("key.converter", "org.apache.kafka.connect.converters.ByteArrayConverter");
    props.put("value.converter", "org.apache.kafka.connect.converters.ByteArrayConverter");
    props.put("offset.storage.file.filename", offsetsFile.toString());
    props.put("offset.flush.interval.ms", "500");
    props.put("listeners", "http://127.0.0.1:0");
    props.put("plugin.discovery", "service_load");
    props.put("consumer.isolation.level", "read_committed");
    return props;
  }

  /**
   * The fhirflow sink on {@code topics} (comma-separated) writing to {@code connectionUrl}: one
   * task, batches flushed after 100 ms, what cannot be written to {@code deadLetterTopic}, and only
   * committed records read (the topology writes in transactions), as config/fhir-sink-connector
   * .properties but quicker. Callers add or override what their test is about.
   */
  public static Map<String, String> sinkConnector(
      String name, String topics, String connectionUrl, String deadLetterTopic) {
    Map<String, String> props = new HashMap<>();
    props.put("name", name);
    props.put("connector.class", "io.fhirflow.sink.FhirSinkConnector");
    props.put("tasks.max", "1");
    props.put("topics", topics);
    props.put("connection.url", connectionUrl);
    props.put("batch.max.wait.ms", "100");
    props.put("errors.tolerance", "all");
    props.put("errors.deadletterqueue.topic.name", deadLetterTopic);
    props.put("errors.deadletterqueue.topic.replication.factor", "1");
    props.put("consumer.override.isolation.level", "read_committed");
    return props;
  }
}

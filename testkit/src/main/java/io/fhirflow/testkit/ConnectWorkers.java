package io.fhirflow.testkit;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * Worker properties of a Kafka Connect standalone worker inside a test's JVM: the converters and
 * isolation the fhirflow sink runs with (as config/sink-standalone.properties), a REST listener on
 * a free port and a quick offset flush.
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
}

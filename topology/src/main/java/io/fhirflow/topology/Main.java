package io.fhirflow.topology;

import io.fhirflow.mapping.CatalogueException;
import io.fhirflow.mapping.FhirMapper;
import io.fhirflow.mapping.MappingCatalogue;
import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.CountDownLatch;
import org.apache.kafka.common.config.ConfigException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the topology: {@code java io.fhirflow.topology.Main [config/topology.properties]} (or the
 * file named by {@code FHIRFLOW_TOPOLOGY_CONFIG_FILE}), environment variables overriding the file.
 * A broken config or catalogue stops the process at start with exit code 2; SIGTERM closes
 * gracefully.
 */
public final class Main {

  private static final Logger log = LoggerFactory.getLogger(Main.class);

  private Main() {}

  public static void main(String[] args) throws InterruptedException {
    Path file =
        Path.of(
            args.length > 0
                ? args[0]
                : System.getenv()
                    .getOrDefault(TopologyConfig.CONFIG_FILE_ENV, "config/topology.properties"));
    FhirFlowApplication app;
    try {
      TopologyConfig config = TopologyConfig.load(file, System.getenv());
      log.info("fhirflow topology config {}", config.describe());
      String cataloguePath = config.getString(TopologyConfig.MAPPING_CATALOGUE_PATH_CONFIG);
      MappingCatalogue catalogue =
          cataloguePath.isEmpty()
              ? MappingCatalogue.builtIn()
              : MappingCatalogue.load(Path.of(cataloguePath));
      app =
          new FhirFlowApplication(
              config,
              new FhirMapper(catalogue),
              SampleDeserializers.create(config),
              Clock.systemUTC());
    } catch (ConfigException | CatalogueException | IllegalArgumentException e) {
      log.error("cannot start: {}", e.getMessage());
      System.exit(2);
      return;
    }
    CountDownLatch closed = new CountDownLatch(1);
    FhirFlowApplication running = app;
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  log.info("shutting down");
                  running.close();
                  closed.countDown();
                },
                "fhirflow-shutdown"));
    closed.await();
  }
}

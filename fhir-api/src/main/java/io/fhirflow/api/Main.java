package io.fhirflow.api;

import java.nio.file.Path;
import java.time.Clock;
import java.util.TimeZone;
import org.apache.kafka.common.config.ConfigException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts the FHIR API: {@code java -cp ... io.fhirflow.api.Main [config/fhir-api.properties]} (or
 * the file named by {@code FHIRFLOW_API_CONFIG_FILE}; without either, the defaults), every key
 * overridable by its environment variable (see {@link ApiConfig}). A broken config stops the
 * process at start with exit code 2; SIGTERM stops it gracefully.
 */
public final class Main {

  private static final Logger LOG = LoggerFactory.getLogger(Main.class);

  private Main() {}

  public static void main(String[] args) throws Exception {
    // FHIR dates without an offset (date=2026-01-05) are read as UTC days, whatever the host's
    // zone.
    TimeZone.setDefault(TimeZone.getTimeZone("UTC"));
    String file = args.length > 0 ? args[0] : System.getenv(ApiConfig.CONFIG_FILE_ENV);
    ApiConfig config;
    try {
      config = ApiConfig.load(file == null ? null : Path.of(file), System.getenv());
    } catch (ConfigException e) {
      LOG.error("cannot start: {}", e.getMessage());
      System.exit(2);
      return;
    }
    LOG.info("fhir-api config {}", config.describe());
    ApiServer server = ApiServer.fromConfig(config, Clock.systemUTC()).start();
    LOG.info("fhir-api listening port={}", server.port());
    server.closeOnShutdown();
  }
}

package io.fhirflow.api;

import ca.uhn.fhir.context.FhirContext;
import io.fhirflow.api.audit.AuditEventFactory;
import io.fhirflow.api.audit.KafkaAuditSink;
import io.fhirflow.api.security.JwtVerifier;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.TimeZone;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts the FHIR API: {@code java -cp ... io.fhirflow.api.Main [config/fhir-api.properties]}. Every
 * key can be overridden by its environment variable (see {@link ApiConfig}). Stops on SIGTERM.
 */
public final class Main {

  private static final Logger LOG = LoggerFactory.getLogger(Main.class);

  private Main() {}

  public static void main(String[] args) throws Exception {
    // FHIR dates without an offset (date=2026-01-05) are read as UTC days, whatever the host's zone.
    TimeZone.setDefault(TimeZone.getTimeZone("UTC"));
    ApiConfig config = args.length > 0 ? ApiConfig.load(Path.of(args[0]), System.getenv()) : ApiConfig.of(Map.of(), System.getenv());
    LOG.info("fhir-api config {}", config.describe());
    FhirContext context = FhirContext.forR4Cached();
    Clock clock = Clock.systemUTC();
    JwtVerifier verifier = JwtVerifier.create(config.string(ApiConfig.JWKS_CONFIG), config.string(ApiConfig.ISSUER_CONFIG),
        config.string(ApiConfig.AUDIENCE_CONFIG), config.clockSkew(), clock).userScopesForAllPatients(config.userScopesForAllPatients());
    PrometheusMeterRegistry meters = ApiServer.newRegistry();
    KafkaAuditSink audit = new KafkaAuditSink(
        KafkaAuditSink.producer(config.string(ApiConfig.AUDIT_BOOTSTRAP_CONFIG),
            Duration.ofMillis(config.integer(ApiConfig.AUDIT_DELIVERY_TIMEOUT_CONFIG)), config.auditKafkaPassThrough()),
        config.string(ApiConfig.AUDIT_TOPIC_CONFIG), new AuditEventFactory(context), meters);
    ApiServer server = new ApiServer(config, context, verifier, audit, meters, clock).start();
    LOG.info("fhir-api listening port={}", server.port());
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      try {
        server.close();
      } catch (Exception e) {
        LOG.warn("shutdown error={}", e.getClass().getSimpleName());
      } finally {
        stopped.countDown();
      }
    }, "fhir-api-shutdown"));
    stopped.await();
  }
}

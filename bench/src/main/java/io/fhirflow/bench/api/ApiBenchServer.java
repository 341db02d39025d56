package io.fhirflow.bench.api;

import io.fhirflow.api.ApiConfig;
import io.fhirflow.api.ApiServer;
import io.fhirflow.api.devtoken.TokenMinter;
import io.fhirflow.contracts.PipelineTopic;
import io.fhirflow.testkit.KafkaBroker;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TimeZone;

/**
 * The API as the benchmark measures it: production wiring (HikariCP, JWT verification, audit events
 * to Kafka) over the bench schema, with an in-JVM broker standing in for the cluster. Writes the
 * token and the patient ids the load generator uses into {@code dir}, prints READY, runs until
 * killed. Args: port dir [jdbcBaseUrl] [rawBundle true|false] [auditBootstrap]; without
 * auditBootstrap an in-JVM broker is started (its CPU then counts as the API's).
 */
public final class ApiBenchServer {

  static final String AUDIT_TOPIC = PipelineTopic.Names.AUDIT_EVENT;

  private ApiBenchServer() {}

  public static void main(String[] args) throws Exception {
    TimeZone.setDefault(TimeZone.getTimeZone("UTC"));
    int port = Integer.parseInt(args[0]);
    Path dir = Path.of(args[1]);
    String base = args.length > 2 ? args[2] : "jdbc:postgresql://127.0.0.1:5432/test?user=postgres";
    String raw = args.length > 3 ? args[3] : "true";
    Files.createDirectories(dir);
    TokenMinter minter = TokenMinter.generate();
    Path jwks = dir.resolve("jwks.json");
    Files.writeString(jwks, minter.publicJwks().toString());
    String issuer = "https://fhirflow.local/bench-issuer";
    String audience = "fhirflow-api";
    Files.writeString(
        dir.resolve("token"),
        minter.sign(
            minter
                .claims(
                    issuer,
                    audience,
                    "bench",
                    "system/Observation.rs",
                    Instant.now(),
                    Duration.ofHours(4))
                .build()));
    List<String> patients = new ArrayList<>();
    for (int p = 0; p < ApiBenchData.PATIENTS; p++) {
      patients.add(ApiBenchData.patientId(p));
    }
    Files.write(dir.resolve("patients.txt"), patients);

    KafkaBroker broker = args.length > 4 ? null : KafkaBroker.start();
    if (broker != null) {
      broker.createTopics(1, AUDIT_TOPIC);
    }
    String bootstrap = broker == null ? args[4] : broker.bootstrapServers();
    ApiConfig config =
        ApiConfig.of(
            Map.of(
                ApiConfig.HTTP_PORT_CONFIG, Integer.toString(port),
                ApiConfig.DB_URL_CONFIG, ApiBenchData.url(base),
                ApiConfig.JWKS_CONFIG, jwks.toString(),
                ApiConfig.ISSUER_CONFIG, issuer,
                ApiConfig.AUDIENCE_CONFIG, audience,
                ApiConfig.AUDIT_BOOTSTRAP_CONFIG, bootstrap,
                ApiConfig.AUDIT_TOPIC_CONFIG, AUDIT_TOPIC,
                ApiConfig.RAW_BUNDLE_CONFIG, raw),
            System.getenv());
    ApiServer server = ApiServer.fromConfig(config, Clock.systemUTC()).start();
    System.out.println("READY port=" + server.port());
    if (broker == null) {
      server.closeOnShutdown();
    } else {
      server.closeOnShutdown(broker);
    }
  }
}

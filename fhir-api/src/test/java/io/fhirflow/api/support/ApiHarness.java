package io.fhirflow.api.support;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.client.api.IGenericClient;
import ca.uhn.fhir.rest.client.api.ServerValidationModeEnum;
import ca.uhn.fhir.rest.client.interceptor.BearerTokenAuthInterceptor;
import com.nimbusds.jwt.JWTClaimsSet;
import io.fhirflow.api.ApiConfig;
import io.fhirflow.api.ApiServer;
import io.fhirflow.api.audit.KafkaAuditSink;
import io.fhirflow.api.devtoken.TokenMinter;
import io.fhirflow.api.security.JwtVerifier;
import io.fhirflow.contracts.PipelineTopic;
import io.fhirflow.testkit.KafkaBroker;
import io.fhirflow.testkit.LocalServices;
import io.fhirflow.testkit.PostgresRole;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

/**
 * A running API for one test class: the in-JVM broker for audit events, a fresh PostgreSQL schema
 * filled through the sink, a dev key pair whose JWKS the server trusts, and clients.
 */
public final class ApiHarness implements AutoCloseable {

  public static final String ISSUER = "https://issuer.fhirflow.test";
  public static final String AUDIENCE = "fhirflow-api-test";
  public static final FhirContext FHIR = FhirContext.forR4Cached();

  public final KafkaBroker broker;
  public final String auditTopic;
  public final String jdbcUrl;
  public final SinkRows sink;
  public final TokenMinter minter;
  public final ApiServer server;
  public final String base;
  private final HttpClient http = HttpClient.newHttpClient();

  private ApiHarness(KafkaBroker broker, Map<String, String> extra) throws Exception {
    this(broker, extra, null);
  }

  /**
   * @param role the PostgreSQL role the API reads as (the sink writes as the test's owner), or null
   *     for the same
   */
  private ApiHarness(KafkaBroker broker, Map<String, String> extra, PostgresRole role)
      throws Exception {
    this(broker, extra, role, null);
  }

  /**
   * @param first a harness whose schema and token keys this one shares (its own server, audit topic
   *     and sink session), or null for new ones
   */
  private ApiHarness(
      KafkaBroker broker, Map<String, String> extra, PostgresRole role, ApiHarness first)
      throws Exception {
    this.broker = broker;
    this.auditTopic = KafkaBroker.uniqueTopic(PipelineTopic.Names.AUDIT_EVENT);
    broker.createTopics(1, auditTopic);
    this.jdbcUrl = first == null ? LocalServices.freshPostgresSchema("api") : first.jdbcUrl;
    this.minter = first == null ? TokenMinter.generate() : first.minter;
    this.sink = new SinkRows(jdbcUrl);
    sink.write(java.util.List.of());
    Path jwks = Files.createTempFile("jwks", ".json");
    Files.writeString(jwks, minter.publicJwks().toString());
    Map<String, String> props =
        new HashMap<>(
            Map.of(
                ApiConfig.HTTP_PORT_CONFIG,
                "0",
                ApiConfig.DB_URL_CONFIG,
                role == null ? jdbcUrl : role.url(jdbcUrl),
                ApiConfig.REDIS_URL_CONFIG,
                LocalServices.redisUrl(),
                ApiConfig.JWKS_CONFIG,
                jwks.toString(),
                ApiConfig.ISSUER_CONFIG,
                ISSUER,
                ApiConfig.AUDIENCE_CONFIG,
                AUDIENCE,
                ApiConfig.AUDIT_BOOTSTRAP_CONFIG,
                broker.bootstrapServers(),
                ApiConfig.AUDIT_TOPIC_CONFIG,
                auditTopic,
                ApiConfig.CURSOR_SECRET_CONFIG,
                "test-cursor-secret-0123456789"));
    props.put(ApiConfig.AUDIT_DELIVERY_TIMEOUT_CONFIG, "3000");
    props.putAll(extra);
    ApiConfig config = ApiConfig.of(props, Map.of());
    PrometheusMeterRegistry meters = ApiServer.newRegistry();
    JwtVerifier verifier = ApiServer.verifierFor(config, Clock.systemUTC());
    KafkaAuditSink audit = ApiServer.auditSinkFor(config, FHIR, meters);
    this.server = new ApiServer(config, FHIR, verifier, audit, meters, Clock.systemUTC()).start();
    this.base = "http://127.0.0.1:" + server.port();
  }

  public static ApiHarness start(KafkaBroker broker) throws Exception {
    return new ApiHarness(broker, Map.of());
  }

  public static ApiHarness start(KafkaBroker broker, Map<String, String> extra) throws Exception {
    return new ApiHarness(broker, extra);
  }

  /**
   * A second API over {@code first}'s schema, trusting the same token keys, with its own settings
   * ({@code extra}) and audit topic: for comparing two configurations on the same data.
   */
  public static ApiHarness beside(ApiHarness first, Map<String, String> extra) throws Exception {
    return new ApiHarness(first.broker, extra, null, first);
  }

  /**
   * An API that reads as {@code role}, as a deployment's API must (not the tables' owner, not a
   * superuser: row-level security binds it); the caller grants it read once the schema exists
   * ({@link #schema}).
   */
  public static ApiHarness startAsRole(KafkaBroker broker, PostgresRole role) throws Exception {
    return new ApiHarness(broker, Map.of(), role);
  }

  /** The fresh schema's name. */
  public String schema() {
    return jdbcUrl.substring(jdbcUrl.indexOf("currentSchema=") + "currentSchema=".length());
  }

  public String fhirBase() {
    return base + "/fhir";
  }

  /** A valid one-hour token confined to {@code patient} with {@code scope}. */
  public String patientToken(String patient, String scope) {
    return minter.sign(claims(scope).claim(JwtVerifier.PATIENT_CLAIM, patient).build());
  }

  /** A valid one-hour token without a patient claim. */
  public String systemToken(String scope) {
    return minter.sign(claims(scope).build());
  }

  /**
   * Claims confined to {@code patient} (subject "u", patient/*.rs, one hour from {@code issuedAt})
   * that {@code minter} signs for {@code issuer} and {@code audience}: what the access tests vary
   * to forge a token the API must refuse.
   */
  public static JWTClaimsSet.Builder patientClaims(
      TokenMinter minter, String issuer, String audience, Instant issuedAt, String patient) {
    return minter
        .claims(issuer, audience, "u", "patient/*.rs", issuedAt, Duration.ofHours(1))
        .claim(JwtVerifier.PATIENT_CLAIM, patient);
  }

  /** A token for {@code patient} from this harness's issuer that expired an hour ago. */
  public String expiredPatientToken(String patient) {
    return minter.sign(
        patientClaims(minter, ISSUER, AUDIENCE, Instant.now().minus(Duration.ofHours(2)), patient)
            .build());
  }

  public JWTClaimsSet.Builder claims(String scope) {
    return minter.claims(
        ISSUER, AUDIENCE, "clinician-7", scope, Instant.now(), Duration.ofHours(1));
  }

  public IGenericClient client(String token) {
    FHIR.getRestfulClientFactory().setServerValidationMode(ServerValidationModeEnum.NEVER);
    IGenericClient client = FHIR.newRestfulGenericClient(fhirBase());
    if (token != null) {
      client.registerInterceptor(new BearerTokenAuthInterceptor(token));
    }
    return client;
  }

  /**
   * GET {@code pathAndQuery} (relative to the server root) with an optional token and extra
   * headers.
   */
  public HttpResponse<String> get(String pathAndQuery, String token, String... headers)
      throws IOException, InterruptedException {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(
                URI.create(pathAndQuery.startsWith("http") ? pathAndQuery : base + pathAndQuery))
            .header("Accept", "application/fhir+json");
    return http.send(
        RequestHeaders.add(b, token, headers).build(), HttpResponse.BodyHandlers.ofString());
  }

  @Override
  public void close() throws Exception {
    try {
      server.close();
    } finally {
      sink.close();
    }
  }
}

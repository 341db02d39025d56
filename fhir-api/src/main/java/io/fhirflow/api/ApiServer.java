package io.fhirflow.api;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.server.IResourceProvider;
import com.zaxxer.hikari.HikariDataSource;
import io.fhirflow.api.app.TrendsAppServlet;
import io.fhirflow.api.audit.AuditEventFactory;
import io.fhirflow.api.audit.AuditFilter;
import io.fhirflow.api.audit.AuditSink;
import io.fhirflow.api.audit.KafkaAuditSink;
import io.fhirflow.api.bulk.BulkExportFilter;
import io.fhirflow.api.bulk.ExportJobs;
import io.fhirflow.api.bulk.LongReads;
import io.fhirflow.api.fhir.AccessInterceptor;
import io.fhirflow.api.fhir.ErrorShield;
import io.fhirflow.api.fhir.FhirServlet;
import io.fhirflow.api.fhir.IdentifiedResourceProvider;
import io.fhirflow.api.fhir.ObservationProvider;
import io.fhirflow.api.fhir.ObservationSearchFilter;
import io.fhirflow.api.fhir.PageCursor;
import io.fhirflow.api.fhir.ParameterHandling;
import io.fhirflow.api.fhir.SearchPaging;
import io.fhirflow.api.fhir.SmartCapabilities;
import io.fhirflow.api.fhir.StoredJsonBundleWriter;
import io.fhirflow.api.fhir.StoredResourceReader;
import io.fhirflow.api.http.FormSizeLimitFilter;
import io.fhirflow.api.http.OperationOutcomeErrorHandler;
import io.fhirflow.api.metrics.PatientMetricsServlet;
import io.fhirflow.api.metrics.RedisMetricsReader;
import io.fhirflow.api.ops.HealthServlet;
import io.fhirflow.api.ops.PrometheusServlet;
import io.fhirflow.api.ops.RequestMetricsFilter;
import io.fhirflow.api.security.JwtVerifier;
import io.fhirflow.api.store.IdentifiedResourceStore;
import io.fhirflow.api.store.ObservationStore;
import io.fhirflow.api.store.ReadPool;
import io.fhirflow.api.store.TenantScopedDataSource;
import io.fhirflow.api.view.ViewRunFilter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import jakarta.servlet.DispatcherType;
import java.sql.Connection;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import javax.sql.DataSource;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.GracefulHandler;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.hl7.fhir.r4.model.Device;
import org.hl7.fhir.r4.model.Patient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Wires the API on one embedded Jetty 12 (ee10) port: {@code /fhir/*} (HAPI), {@code
 * /metrics/Patient/*} (Redis view), {@code /app/} (the trends page), {@code /health/live|ready},
 * {@code /metrics} (Prometheus). The audit filter wraps the two data paths. Owns and closes the
 * pool, Redis client and audit sink it is given.
 */
public final class ApiServer implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(ApiServer.class);

  private final Server jetty;
  private final HikariDataSource dataSource;
  private final RedisMetricsReader redis;
  private final AuditSink audit;
  private final PrometheusMeterRegistry meters;
  private final ExportJobs exports;

  public ApiServer(
      ApiConfig config,
      FhirContext context,
      JwtVerifier verifier,
      AuditSink audit,
      PrometheusMeterRegistry meters,
      Clock clock) {
    this.audit = audit;
    this.meters = meters;
    this.dataSource = ReadPool.create(config);
    dataSource.setMetricRegistry(meters);
    // Every read runs as the request's tenant (docs/tenants.md): row-level security. The stores set
    // it in the same round trip as each query (TenantQuery); bulk exports and view runs, one
    // long read per job, through connections set as they are handed out.
    DataSource reads = new TenantScopedDataSource(dataSource);
    this.redis =
        new RedisMetricsReader(
            config.getString(ApiConfig.REDIS_URL_CONFIG),
            config.getString(ApiConfig.REDIS_KEY_PREFIX_CONFIG));
    new JvmMemoryMetrics().bindTo(meters);
    new JvmThreadMetrics().bindTo(meters);

    SearchPaging paging =
        new SearchPaging(
            PageCursor.fromConfig(config.secret(ApiConfig.CURSOR_SECRET_CONFIG)),
            config.defaultCount(),
            config.maxCount());
    ObservationStore observations = new ObservationStore(dataSource);
    List<IResourceProvider> providers =
        List.of(
            new ObservationProvider(context, observations, paging),
            new IdentifiedResourceProvider(
                context,
                Patient.class,
                new IdentifiedResourceStore(dataSource, IdentifiedResourceStore.Table.PATIENT),
                paging),
            new IdentifiedResourceProvider(
                context,
                Device.class,
                new IdentifiedResourceStore(dataSource, IdentifiedResourceStore.Table.DEVICE),
                paging));
    List<Object> interceptors =
        List.of(
            new ErrorShield(),
            new ParameterHandling(),
            new AccessInterceptor(verifier, meters),
            new StoredJsonBundleWriter(new StoredResourceReader(context), config.rawBundle()),
            new SmartCapabilities());
    FhirServlet fhir =
        new FhirServlet(
            context, providers, interceptors, config.getString(ApiConfig.PUBLIC_BASE_URL_CONFIG));

    QueuedThreadPool threads = new QueuedThreadPool(64, 8);
    threads.setName("fhir-api-http");
    jetty = new Server(threads);
    ServerConnector connector = new ServerConnector(jetty, new HttpConnectionFactory(http()));
    connector.setPort(config.port());
    jetty.addConnector(connector);

    ServletContextHandler handler = new ServletContextHandler();
    handler.setContextPath("/");
    handler.addServlet(new ServletHolder("fhir", fhir), "/fhir/*");
    handler.addServlet(
        new ServletHolder(
            "patient-metrics", new PatientMetricsServlet(verifier, redis, meters, clock)),
        "/metrics/Patient/*");
    handler.addServlet(new ServletHolder("prometheus", new PrometheusServlet(meters)), "/metrics");
    handler.addServlet(new ServletHolder("trends-app", new TrendsAppServlet()), "/app/*");
    handler.addServlet(
        new ServletHolder(
            "health",
            new HealthServlet(
                List.of(
                    new HealthServlet.Check("database", true, this::databaseUp),
                    new HealthServlet.Check("audit", true, audit::healthy),
                    new HealthServlet.Check("redis", false, redis::ping)))),
        "/health/*");
    EnumSet<DispatcherType> requests = EnumSet.of(DispatcherType.REQUEST);
    AuditFilter auditFilter = new AuditFilter(audit, config.auditFailClosed(), clock);
    handler.addFilter(new FilterHolder(auditFilter), "/fhir/*", requests);
    handler.addFilter(new FilterHolder(auditFilter), "/metrics/Patient/*", requests);
    handler.addFilter(
        new FilterHolder(new RequestMetricsFilter(meters, "fhir")), "/fhir/*", requests);
    handler.addFilter(
        new FilterHolder(new RequestMetricsFilter(meters, "patient-metrics")),
        "/metrics/Patient/*",
        requests);
    handler.addFilter(
        new FilterHolder(new FormSizeLimitFilter(handler.getMaxFormContentSize())),
        "/fhir/*",
        requests);
    // After the audit and metrics filters, so bulk requests are audited and timed like every other
    // one.
    // Bulk exports and view runs: reads of the whole store, streamed.
    LongReads longReads =
        new LongReads(
            reads,
            config.getInt(ApiConfig.BULK_FETCH_SIZE_CONFIG),
            config.getInt(ApiConfig.BULK_STATEMENT_TIMEOUT_CONFIG));
    this.exports =
        ExportJobs.create(
            longReads,
            config.getString(ApiConfig.BULK_DIR_CONFIG),
            Duration.ofSeconds(config.getInt(ApiConfig.BULK_FILE_TTL_CONFIG)),
            config.getInt(ApiConfig.BULK_WORKERS_CONFIG),
            config.getInt(ApiConfig.BULK_MAX_JOBS_CONFIG),
            clock);
    handler.addFilter(
        new FilterHolder(
            new BulkExportFilter(
                verifier, exports, config.getString(ApiConfig.PUBLIC_BASE_URL_CONFIG))),
        "/fhir/*",
        requests);
    handler.addFilter(
        new FilterHolder(new ViewRunFilter(verifier, context, longReads)), "/fhir/*", requests);
    // Last of the filters: the hot Observation search, answered exactly as HAPI would without its
    // dispatch; everything else goes on to HAPI. Only where HAPI would stream the page itself.
    if (config.leanSearch()) {
      handler.addFilter(
          new FilterHolder(
              new ObservationSearchFilter(
                  context, verifier, observations, paging, fhir.getServerAddressStrategy())),
          "/fhir/*",
          requests);
    }
    // Stopping lets requests in flight finish (each publishes its audit event as it ends) before
    // close()
    // flushes the audit sink; Jetty's own error pages become OperationOutcomes like every other
    // answer.
    GracefulHandler graceful = new GracefulHandler(handler);
    jetty.setHandler(graceful);
    jetty.setStopTimeout(config.getInt(ApiConfig.HTTP_STOP_TIMEOUT_CONFIG));
    OperationOutcomeErrorHandler errors = new OperationOutcomeErrorHandler();
    jetty.setErrorHandler(errors);
    handler.setErrorHandler(errors);
  }

  /**
   * Jetty's defaults but for its per-connection header cache, which is off. That cache keeps each
   * kept-alive connection's Authorization, Accept and Host lines in a case-insensitive trie and
   * looks every later request's lines up in it: a bearer token's ~500 characters walk ~500 rows of
   * a 96 KB table per request, a cache miss each once other work has run (5.8 % of the API's CPU on
   * the benchmark search, BENCHMARKS.md "FHIR API"), where parsing the line is a short sequential
   * scan. Being case-insensitive, it also handed a request a token that differed from the previous
   * one only in letter case as that previous token, not as sent (AccessControlIT).
   */
  private static HttpConfiguration http() {
    HttpConfiguration http = new HttpConfiguration();
    http.setHeaderCacheSize(0);
    return http;
  }

  private boolean databaseUp() {
    try (Connection c = dataSource.getConnection()) {
      return c.isValid(1);
    } catch (Exception e) {
      return false;
    }
  }

  /**
   * The server as {@code config} deploys it, not yet started: the verifier, audit sink and metrics
   * registry its settings describe, on {@code clock}.
   */
  public static ApiServer fromConfig(ApiConfig config, Clock clock) {
    FhirContext context = FhirContext.forR4Cached();
    JwtVerifier verifier = verifierFor(config, clock);
    PrometheusMeterRegistry meters = newRegistry();
    KafkaAuditSink audit = auditSinkFor(config, context, meters);
    return new ApiServer(config, context, verifier, audit, meters, clock);
  }

  /**
   * The verifier {@code config} describes: its JWKS, issuer, audience, clock skew and whether user
   * scopes reach all patients. Here, not in the security package, so that only the API's top
   * package reads {@link ApiConfig} (ArchitectureTest: no package cycles).
   */
  public static JwtVerifier verifierFor(ApiConfig config, Clock clock) {
    return JwtVerifier.create(
            config.getString(ApiConfig.JWKS_CONFIG),
            config.getString(ApiConfig.ISSUER_CONFIG),
            config.getString(ApiConfig.AUDIENCE_CONFIG),
            config.clockSkew(),
            clock)
        .userScopesForAllPatients(config.userScopesForAllPatients());
  }

  /**
   * The audit sink {@code config} describes: its bootstrap servers, topic, delivery timeout and
   * pass-through producer settings (TLS/SASL).
   */
  public static KafkaAuditSink auditSinkFor(
      ApiConfig config, FhirContext context, MeterRegistry meters) {
    return new KafkaAuditSink(
        KafkaAuditSink.producer(
            config.getString(ApiConfig.AUDIT_BOOTSTRAP_CONFIG),
            Duration.ofMillis(config.getInt(ApiConfig.AUDIT_DELIVERY_TIMEOUT_CONFIG)),
            config.auditKafkaPassThrough()),
        config.getString(ApiConfig.AUDIT_TOPIC_CONFIG),
        new AuditEventFactory(context),
        meters);
  }

  public ApiServer start() throws Exception {
    jetty.start();
    return this;
  }

  /** The bound port (useful when configured as 0). */
  public int port() {
    return ((ServerConnector) jetty.getConnectors()[0]).getLocalPort();
  }

  public PrometheusMeterRegistry meters() {
    return meters;
  }

  /**
   * Stops taking requests, lets those in flight finish, then flushes the audit events and closes
   * what it owns.
   */
  @Override
  public void close() throws Exception {
    try {
      jetty.stop();
    } finally {
      exports.close();
      redis.close();
      audit.close();
      dataSource.close();
    }
  }

  /**
   * A main's last call: blocks until the JVM is asked to exit (SIGTERM), then, on the shutdown
   * hook's thread, closes this server and {@code alsoClose} in that order (each even when one
   * before it failed), so requests in flight finish before what they use goes.
   */
  public void closeOnShutdown(AutoCloseable... alsoClose) throws InterruptedException {
    CountDownLatch stopped = new CountDownLatch(1);
    List<AutoCloseable> order = new ArrayList<>(List.of(this));
    order.addAll(List.of(alsoClose));
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  for (AutoCloseable c : order) {
                    try {
                      c.close();
                    } catch (Exception e) {
                      LOG.warn("shutdown error={}", e.getClass().getSimpleName());
                    }
                  }
                  stopped.countDown();
                },
                "fhir-api-shutdown"));
    stopped.await();
  }

  /** A registry with the defaults the API's Prometheus endpoint uses. */
  public static PrometheusMeterRegistry newRegistry() {
    return new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  }
}

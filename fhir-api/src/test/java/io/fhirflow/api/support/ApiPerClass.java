package io.fhirflow.api.support;

import ca.uhn.fhir.rest.client.api.IGenericClient;
import com.nimbusds.jwt.JWTClaimsSet;
import io.fhirflow.api.devtoken.TokenMinter;
import io.fhirflow.testkit.BrokerPerClass;
import io.fhirflow.testkit.KafkaBroker;
import io.fhirflow.testkit.PostgresRole;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * One running API ({@link ApiHarness}) for all tests of a class, over its own in-JVM broker:
 * started before the class's own {@code @BeforeAll} methods (which seed it), closed after its
 * {@code @AfterAll} methods.
 *
 * <pre>{@code
 * @RegisterExtension static final ApiPerClass api = new ApiPerClass();
 *
 * @BeforeAll
 * static void seed() throws Exception {
 *   api.seed(Fixtures.patientWithHeartRate(A, "user-a", OBS, T0, 70));
 * }
 * ... api.get("/fhir/Observation/" + OBS, api.patientToken(A, "patient/*.rs")) ...
 * }</pre>
 */
public final class ApiPerClass implements BeforeAllCallback, AfterAllCallback {

  private final BrokerPerClass kafka = new BrokerPerClass();
  private final Supplier<Map<String, String>> settings;
  private final String roleName;
  private PostgresRole role;
  private ApiHarness harness;

  /** An API with the harness's default settings. */
  public ApiPerClass() {
    this(Map::of);
  }

  private ApiPerClass(Supplier<Map<String, String>> settings) {
    this(settings, null);
  }

  private ApiPerClass(Supplier<Map<String, String>> settings, String roleName) {
    this.settings = settings;
    this.roleName = roleName;
  }

  /**
   * An API that reads as a new login role {@code roleName} ({@link ApiHarness#startAsRole}),
   * dropped after the class; the class grants it read once it has seeded the schema: {@code
   * api.role().grantRead(api.schema())}.
   */
  public static ApiPerClass readingAs(String roleName) {
    return new ApiPerClass(Map::of, roleName);
  }

  /** An API with {@code settings} over the harness's defaults. */
  public static ApiPerClass with(Map<String, String> settings) {
    return new ApiPerClass(() -> settings);
  }

  /**
   * An API with settings computed when the class starts (a temporary directory, say), over the
   * harness's defaults.
   */
  public static ApiPerClass with(Supplier<Map<String, String>> settings) {
    return new ApiPerClass(settings);
  }

  @Override
  public void beforeAll(ExtensionContext context) throws Exception {
    kafka.beforeAll(context);
    if (roleName == null) {
      harness = ApiHarness.start(kafka.broker(), settings.get());
    } else {
      role = PostgresRole.create(roleName);
      harness = ApiHarness.startAsRole(kafka.broker(), role);
    }
  }

  @Override
  public void afterAll(ExtensionContext context) throws Exception {
    try {
      if (harness != null) {
        harness.close();
        harness = null;
      }
    } finally {
      try {
        if (role != null) {
          role.close();
          role = null;
        }
      } finally {
        kafka.afterAll(context);
      }
    }
  }

  /** The login role the API reads as ({@link #readingAs}). */
  public PostgresRole role() {
    if (role == null) {
      throw new IllegalStateException("this API reads as the schema's owner");
    }
    return role;
  }

  /** The API's fresh schema's name. */
  public String schema() {
    return harness().schema();
  }

  /** The class's API; only between its first {@code @BeforeAll} and last {@code @AfterAll}. */
  public ApiHarness harness() {
    if (harness == null) {
      throw new IllegalStateException("no API outside the test class's lifecycle");
    }
    return harness;
  }

  /** The class's broker: the API sends its audit events there; the class may add its own topics. */
  public KafkaBroker broker() {
    return kafka.broker();
  }

  /** Writes {@code resources} (FHIR JSON) through the sink into the API's schema. */
  public void seed(List<String> resources) throws Exception {
    harness().sink.write(resources);
  }

  public SinkRows sink() {
    return harness().sink;
  }

  public String auditTopic() {
    return harness().auditTopic;
  }

  /** An open reader of the API's audit events; the caller closes it. */
  public AuditEvents auditEvents() {
    return new AuditEvents(broker(), auditTopic());
  }

  public String jdbcUrl() {
    return harness().jdbcUrl;
  }

  public TokenMinter minter() {
    return harness().minter;
  }

  /** The server root, {@code http://127.0.0.1:<port>}. */
  public String base() {
    return harness().base;
  }

  public String fhirBase() {
    return harness().fhirBase();
  }

  /** Signs {@code claims} with the key the API trusts. */
  public String sign(JWTClaimsSet claims) {
    return minter().sign(claims);
  }

  /** See {@link ApiHarness#patientToken}. */
  public String patientToken(String patient, String scope) {
    return harness().patientToken(patient, scope);
  }

  /** See {@link ApiHarness#systemToken}. */
  public String systemToken(String scope) {
    return harness().systemToken(scope);
  }

  /** See {@link ApiHarness#expiredPatientToken}. */
  public String expiredPatientToken(String patient) {
    return harness().expiredPatientToken(patient);
  }

  /** See {@link ApiHarness#claims}. */
  public JWTClaimsSet.Builder claims(String scope) {
    return harness().claims(scope);
  }

  /** See {@link ApiHarness#client}. */
  public IGenericClient client(String token) {
    return harness().client(token);
  }

  /** See {@link ApiHarness#get}. */
  public HttpResponse<String> get(String pathAndQuery, String token, String... headers)
      throws IOException, InterruptedException {
    return harness().get(pathAndQuery, token, headers);
  }
}

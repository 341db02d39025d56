package io.fhirflow.serde;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.net.ssl.SSLContext;
import org.apache.avro.Schema;
import org.apache.avro.SchemaParseException;
import org.apache.kafka.common.errors.InterruptException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A client of the Confluent Schema Registry REST API (v1 media type), which Confluent, Apicurio's
 * ccompat API, Karapace and Redpanda all serve. Hand-written on the JDK's HttpClient because
 * Confluent's own client is not on Maven Central; it covers only the five calls the serde makes.
 *
 * <p>Base URLs are tried in order when one cannot be reached or answers 5xx. TLS uses the JVM's
 * default SSLContext, so {@code javax.net.ssl.trustStore}/{@code keyStore} system properties apply,
 * unless {@code schema.registry.ssl.*} keys name stores ({@link RegistryTls}). Answers that cannot
 * change (schema by id, id of a schema under a subject) are cached up to a bound; the latest
 * version is cached for a configurable time. Thread-safe.
 */
public final class RestSchemaRegistryClient implements SchemaRegistryClient {

  private static final String CONTENT_TYPE = "application/vnd.schemaregistry.v1+json";
  private static final String ACCEPT =
      "application/vnd.schemaregistry.v1+json, application/vnd.schemaregistry+json; qs=0.9, application/json; qs=0.5";
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Logger LOG = LoggerFactory.getLogger(RestSchemaRegistryClient.class);

  private final List<String> baseUrls;
  private final Optional<String> authorization;
  private final Duration readTimeout;
  private final HttpClient http;
  private final Cache<Integer, Schema> schemasById;
  private final Cache<SubjectSchema, Integer> idsBySubjectSchema;
  private final Cache<String, RegisteredSchema> latestBySubject;

  private record SubjectSchema(String subject, Schema schema) {}

  /**
   * @param baseUrls registry base URLs without credentials, e.g. {@code https://registry:8081} or
   *     {@code http://apicurio:8080/apis/ccompat/v7}
   * @param userInfo {@code user:password} for HTTP basic auth, or null for none
   * @param cacheCapacity bound of each cache
   * @param latestTtl how long a subject's latest version is cached; null caches it forever
   * @param tls the TLS context for https URLs; null means the JVM's default
   */
  public RestSchemaRegistryClient(
      List<String> baseUrls,
      String userInfo,
      Duration connectTimeout,
      Duration readTimeout,
      int cacheCapacity,
      Duration latestTtl,
      SSLContext tls) {
    if (baseUrls.isEmpty()) {
      throw new IllegalArgumentException("no registry URL");
    }
    this.baseUrls =
        baseUrls.stream().map(u -> u.endsWith("/") ? u.substring(0, u.length() - 1) : u).toList();
    this.authorization =
        Optional.ofNullable(userInfo)
            .filter(u -> !u.isEmpty())
            .map(
                u ->
                    "Basic "
                        + Base64.getEncoder().encodeToString(u.getBytes(StandardCharsets.UTF_8)));
    this.readTimeout = readTimeout;
    HttpClient.Builder http =
        HttpClient.newBuilder().connectTimeout(connectTimeout).version(HttpClient.Version.HTTP_1_1);
    this.http = (tls == null ? http : http.sslContext(tls)).build();
    this.schemasById = Caffeine.newBuilder().maximumSize(cacheCapacity).build();
    this.idsBySubjectSchema = Caffeine.newBuilder().maximumSize(cacheCapacity).build();
    Caffeine<Object, Object> latest = Caffeine.newBuilder().maximumSize(cacheCapacity);
    this.latestBySubject =
        (latestTtl == null ? latest : latest.expireAfterWrite(latestTtl)).build();
  }

  /** Builds the client from Confluent's keys; credentials come from USER_INFO or from the URL. */
  public static RestSchemaRegistryClient fromConfig(SerdeConfig config) {
    String userInfo = null;
    List<String> urls = new ArrayList<>();
    for (String raw : config.registryUrls()) {
      URI uri = URI.create(raw.trim());
      if (uri.getRawUserInfo() != null) {
        userInfo =
            userInfo != null
                ? userInfo
                : java.net.URLDecoder.decode(uri.getRawUserInfo(), StandardCharsets.UTF_8);
        urls.add(
            uri.getScheme()
                + "://"
                + uri.getRawAuthority().substring(uri.getRawUserInfo().length() + 1)
                + Optional.ofNullable(uri.getRawPath()).orElse(""));
      } else {
        urls.add(raw.trim());
      }
    }
    if (config.credentialsSource() == SerdeConfig.CredentialsSource.USER_INFO) {
      userInfo = config.basicAuthUserInfo().value();
    }
    long ttl = config.latestCacheTtlSeconds();
    return new RestSchemaRegistryClient(
        urls,
        userInfo,
        Duration.ofMillis(config.connectTimeoutMs()),
        Duration.ofMillis(config.readTimeoutMs()),
        config.cacheCapacity(),
        ttl < 0 ? null : Duration.ofSeconds(ttl),
        RegistryTls.fromConfig(config));
  }

  @Override
  public int register(String subject, Schema schema) {
    return idOf(subject, schema, "/subjects/" + encode(subject) + "/versions");
  }

  @Override
  public int lookupId(String subject, Schema schema) {
    return idOf(subject, schema, "/subjects/" + encode(subject));
  }

  /**
   * The id the registry answers to {@code schema} POSTed at {@code path} (registering and looking
   * up answer alike), cached per subject and schema; the schema is cached under that id as well.
   */
  private int idOf(String subject, Schema schema, String path) {
    return idsBySubjectSchema.get(
        new SubjectSchema(subject, schema),
        key -> {
          int id = requireId(call("POST", path, schemaBody(schema)).path("id").asInt(-1));
          schemasById.put(id, schema);
          return id;
        });
  }

  @Override
  public Schema schemaById(int id) {
    return schemasById.get(
        id, key -> parseSchema(call("GET", "/schemas/ids/" + id, null), "schema id " + id));
  }

  @Override
  public RegisteredSchema latestVersion(String subject) {
    return latestBySubject.get(
        subject,
        key -> {
          JsonNode answer = call("GET", "/subjects/" + encode(subject) + "/versions/latest", null);
          int id = requireId(answer.path("id").asInt(-1));
          Schema schema =
              schemasById.get(id, k -> parseSchema(answer, "latest version of " + subject));
          return new RegisteredSchema(subject, id, answer.path("version").asInt(), schema);
        });
  }

  @Override
  public boolean isCompatibleWithLatest(String subject, Schema schema) {
    try {
      return call(
              "POST",
              "/compatibility/subjects/" + encode(subject) + "/versions/latest",
              schemaBody(schema))
          .path("is_compatible")
          .asBoolean(false);
    } catch (SchemaRegistryException e) {
      // Older registries answer 404 for a subject without versions; anything may be its first
      // version.
      if (e.errorCode() == SchemaRegistryException.SUBJECT_NOT_FOUND
          || e.errorCode() == SchemaRegistryException.VERSION_NOT_FOUND) {
        return true;
      }
      throw e;
    }
  }

  private JsonNode call(String method, String path, String body) {
    SchemaRegistryException failure = null;
    for (String base : baseUrls) {
      HttpRequest.Builder request =
          HttpRequest.newBuilder(URI.create(base + path))
              .timeout(readTimeout)
              .header("Accept", ACCEPT)
              .method(
                  method,
                  body == null
                      ? HttpRequest.BodyPublishers.noBody()
                      : HttpRequest.BodyPublishers.ofString(body));
      if (body != null) {
        request.header("Content-Type", CONTENT_TYPE);
      }
      authorization.ifPresent(a -> request.header("Authorization", a));
      HttpResponse<String> response;
      try {
        response =
            http.send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
      } catch (IOException e) {
        failure = new SchemaRegistryException(method + " " + base + path + " failed: " + e, e);
        LOG.warn(
            "schema registry {} did not answer {} {} ({})",
            base,
            method,
            path,
            e.getClass().getSimpleName());
        continue;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new InterruptException(e);
      }
      LOG.debug("schema registry {} {} {} -> HTTP {}", base, method, path, response.statusCode());
      if (response.statusCode() / 100 == 2) {
        return readJson(response.body(), base + path);
      }
      failure = errorOf(method + " " + base + path, response);
      if (response.statusCode() < 500) {
        throw failure;
      }
    }
    throw failure;
  }

  private static SchemaRegistryException errorOf(String request, HttpResponse<String> response) {
    int status = response.statusCode();
    int code = -1;
    String message = "";
    try {
      JsonNode error = JSON.readTree(response.body());
      code = error.path("error_code").asInt(-1);
      message = error.path("message").asText("");
    } catch (JsonProcessingException | RuntimeException notJson) {
      // A proxy or a non-registry server answered; the status alone says enough.
    }
    String what =
        status == 401 || status == 403
            ? "the registry refused the credentials"
            : "the registry answered an error";
    return new SchemaRegistryException(
        request
            + ": "
            + what
            + " (HTTP "
            + status
            + (code >= 0 ? ", error_code " + code : "")
            + (message.isEmpty() ? "" : ": " + message)
            + ")",
        status,
        code);
  }

  private static JsonNode readJson(String body, String url) {
    try {
      return JSON.readTree(body);
    } catch (JsonProcessingException e) {
      throw new SchemaRegistryException(url + " answered something that is not JSON", e);
    }
  }

  private static Schema parseSchema(JsonNode answer, String what) {
    String type = answer.path("schemaType").asText("AVRO");
    if (!"AVRO".equals(type)) {
      throw new SchemaRegistryException(what + " is a " + type + " schema, not Avro", 200, -1);
    }
    JsonNode text = answer.get("schema");
    if (text == null || !text.isTextual()) {
      throw new SchemaRegistryException(
          "the registry's answer for " + what + " has no schema", 200, -1);
    }
    try {
      return new Schema.Parser().parse(text.asText());
    } catch (SchemaParseException e) {
      throw new SchemaRegistryException("the registry's schema for " + what + " does not parse", e);
    }
  }

  private static String schemaBody(Schema schema) {
    try {
      return JSON.writeValueAsString(Map.of("schema", schema.toString()));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a string map always serializes", e);
    }
  }

  private static int requireId(int id) {
    if (id < 0) {
      throw new SchemaRegistryException("the registry's answer has no schema id", 200, -1);
    }
    return id;
  }

  private static String encode(String subject) {
    return URLEncoder.encode(subject, StandardCharsets.UTF_8).replace("+", "%20");
  }
}

package io.fhirflow.api.security;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyType;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.jwk.source.JWKSourceBuilder;
import com.nimbusds.jose.proc.BadJOSEException;
import com.nimbusds.jose.proc.BadJWSException;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.proc.BadJWTException;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import com.nimbusds.jwt.proc.JWTClaimsSetVerifier;
import io.fhirflow.contracts.Tenants;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Verifies bearer JWTs with Nimbus JOSE+JWT: signature against public RSA/EC keys from a JWKS file
 * or URL, then exp/nbf (with clock skew), issuer and audience.
 *
 * <p>Only RS256 and ES256 are accepted, and for a JWKS file only the ones its key types can verify,
 * so {@code alg: none} and HS256 signed with a public key as the secret are refused before any key
 * is used; symmetric ("oct") keys in the set are dropped. Verified tokens are cached by their exact
 * text for a minute (a verify costs ~0.1-1 ms; a hit still re-checks expiry).
 */
public final class JwtVerifier {

  /** SMART's claim confining a token to one patient's data. */
  public static final String PATIENT_CLAIM = "patient";

  /** The space-separated SMART scopes. */
  public static final String SCOPE_CLAIM = "scope";

  /** The client the token was issued to ({@code azp} when absent). */
  public static final String CLIENT_ID_CLAIM = "client_id";

  private final DefaultJWTProcessor<SecurityContext> processor = new DefaultJWTProcessor<>();
  private final Clock clock;
  private final Duration skew;
  private volatile boolean userScopesForAllPatients;
  private final Cache<String, AccessToken> verified =
      Caffeine.newBuilder().maximumSize(10_000).expireAfterWrite(Duration.ofMinutes(1)).build();

  private JwtVerifier(
      JWKSource<SecurityContext> keys,
      Set<JWSAlgorithm> algorithms,
      String issuer,
      String audience,
      Duration skew,
      Clock clock) {
    this.clock = clock;
    this.skew = skew;
    processor.setJWSKeySelector(new JWSVerificationKeySelector<>(algorithms, keys));
    processor.setJWTClaimsSetVerifier(new ClaimsVerifier(issuer, audience));
  }

  /**
   * Keys from {@code jwks}: an http(s) URL (cached and refreshed by Nimbus) or a JWKS file path.
   */
  public static JwtVerifier create(
      String jwks, String issuer, String audience, Duration skew, Clock clock) {
    try {
      if (jwks.startsWith("https://") || jwks.startsWith("http://")) {
        JWKSource<SecurityContext> source =
            JWKSourceBuilder.create(URI.create(jwks).toURL()).retrying(true).build();
        return new JwtVerifier(
            source, Set.of(JWSAlgorithm.RS256, JWSAlgorithm.ES256), issuer, audience, skew, clock);
      }
      return fromKeys(JWKSet.load(Path.of(jwks).toFile()), issuer, audience, skew, clock);
    } catch (IOException | ParseException e) {
      throw new IllegalArgumentException(
          "cannot load JWKS from " + jwks + ": " + e.getClass().getSimpleName(), e);
    }
  }

  /** Verifier over a fixed key set (public parts of its RSA and P-256 keys only). */
  public static JwtVerifier fromKeys(
      JWKSet keys, String issuer, String audience, Duration skew, Clock clock) {
    Set<JWSAlgorithm> algorithms = new LinkedHashSet<>();
    List<JWK> usable =
        keys.toPublicJWKSet().getKeys().stream()
            .filter(
                k ->
                    KeyType.RSA.equals(k.getKeyType())
                        || (k instanceof ECKey ec
                            && com.nimbusds.jose.jwk.Curve.P_256.equals(ec.getCurve())))
            .toList();
    for (JWK k : usable) {
      algorithms.add(KeyType.RSA.equals(k.getKeyType()) ? JWSAlgorithm.RS256 : JWSAlgorithm.ES256);
    }
    if (usable.isEmpty()) {
      throw new IllegalArgumentException("JWKS holds no RSA or P-256 public key");
    }
    return new JwtVerifier(
        new ImmutableJWKSet<>(new JWKSet(usable)), algorithms, issuer, audience, skew, clock);
  }

  /**
   * Lets user/ scopes on tokens without a patient claim reach every patient (config {@code
   * api.auth.user.scopes.without.patient=all-patients}); by default they grant nothing. Set once
   * while wiring, before the first request.
   */
  public JwtVerifier userScopesForAllPatients(boolean allow) {
    this.userScopesForAllPatients = allow;
    verified.invalidateAll();
    return this;
  }

  /**
   * Verifies the value of an Authorization header.
   *
   * @throws TokenRejectedException with reason MISSING when there is no bearer token, else why it
   *     failed
   */
  public AccessToken verifyHeader(String authorization) throws TokenRejectedException {
    if (authorization == null
        || authorization.length() < 8
        || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
      throw new TokenRejectedException(TokenRejectedException.Reason.MISSING);
    }
    return verify(authorization.substring(7).trim());
  }

  public AccessToken verify(String token) throws TokenRejectedException {
    AccessToken cached = verified.getIfPresent(token);
    if (cached != null) {
      if (clock.instant().isAfter(cached.expiresAt().plus(skew))) {
        verified.invalidate(token);
        throw new TokenRejectedException(TokenRejectedException.Reason.EXPIRED);
      }
      return cached;
    }
    JWTClaimsSet claims;
    try {
      claims = processor.process(token, null);
    } catch (ReasonedBadJwt e) {
      throw new TokenRejectedException(e.reason);
    } catch (BadJWSException e) {
      throw new TokenRejectedException(TokenRejectedException.Reason.BAD_SIGNATURE);
    } catch (BadJOSEException | JOSEException e) {
      throw new TokenRejectedException(TokenRejectedException.Reason.REJECTED);
    } catch (ParseException e) {
      throw new TokenRejectedException(TokenRejectedException.Reason.MALFORMED);
    }
    AccessToken accessToken = toAccessToken(claims);
    verified.put(token, accessToken);
    return accessToken;
  }

  private AccessToken toAccessToken(JWTClaimsSet c) throws TokenRejectedException {
    try {
      String scope = c.getStringClaim(SCOPE_CLAIM);
      if (scope == null && c.getClaim("scp") instanceof List<?> list) {
        scope = String.join(" ", list.stream().map(String::valueOf).toList());
      }
      String client =
          Optional.ofNullable(c.getStringClaim(CLIENT_ID_CLAIM)).orElse(c.getStringClaim("azp"));
      String patient = c.getStringClaim(PATIENT_CLAIM);
      String tenant = c.getStringClaim(Tenants.TOKEN_CLAIM);
      if (tenant == null) {
        tenant = Tenants.DEFAULT;
      } else if (!Tenants.isValid(tenant)) {
        throw new TokenRejectedException(TokenRejectedException.Reason.REJECTED);
      }
      return new AccessToken(
          c.getIssuer(),
          c.getSubject(),
          client == null ? "" : client,
          Optional.ofNullable(patient).filter(p -> !p.isBlank()),
          SmartScopes.parse(scope, userScopesForAllPatients),
          c.getExpirationTime().toInstant(),
          tenant);
    } catch (ParseException e) {
      throw new TokenRejectedException(TokenRejectedException.Reason.MALFORMED);
    }
  }

  /**
   * Claim checks with our own clock and a reason for each failure (Nimbus' messages are not API).
   */
  private final class ClaimsVerifier implements JWTClaimsSetVerifier<SecurityContext> {
    private final String issuer;
    private final String audience;

    ClaimsVerifier(String issuer, String audience) {
      this.issuer = issuer;
      this.audience = audience;
    }

    @Override
    public void verify(JWTClaimsSet c, SecurityContext ctx) throws BadJWTException {
      Instant now = clock.instant();
      Date exp = c.getExpirationTime();
      if (exp == null || c.getSubject() == null) {
        throw new ReasonedBadJwt(TokenRejectedException.Reason.MISSING_CLAIM);
      }
      if (now.isAfter(exp.toInstant().plus(skew))) {
        throw new ReasonedBadJwt(TokenRejectedException.Reason.EXPIRED);
      }
      Date nbf = c.getNotBeforeTime();
      if (nbf != null && now.isBefore(nbf.toInstant().minus(skew))) {
        throw new ReasonedBadJwt(TokenRejectedException.Reason.NOT_YET_VALID);
      }
      if (!issuer.equals(c.getIssuer())) {
        throw new ReasonedBadJwt(TokenRejectedException.Reason.WRONG_ISSUER);
      }
      if (c.getAudience() == null || !c.getAudience().contains(audience)) {
        throw new ReasonedBadJwt(TokenRejectedException.Reason.WRONG_AUDIENCE);
      }
    }
  }

  private static final class ReasonedBadJwt extends BadJWTException {
    private final TokenRejectedException.Reason reason;

    ReasonedBadJwt(TokenRejectedException.Reason reason) {
      super(reason.name());
      this.reason = reason;
    }
  }
}

package io.fhirflow.api.devtoken;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.fhirflow.api.security.JwtVerifier;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.UUID;

/**
 * Signs development and test tokens with an ES256 (P-256) key. Not used by the server: it exists so
 * that a local run and the tests can speak to the API exactly as a real SMART client would.
 */
public final class TokenMinter {

  private final ECKey key;

  public TokenMinter(ECKey key) {
    this.key = key;
  }

  /** A fresh P-256 signing key with a random key id. */
  public static TokenMinter generate() {
    try {
      return new TokenMinter(
          new ECKeyGenerator(Curve.P_256).keyID(UUID.randomUUID().toString()).generate());
    } catch (JOSEException e) {
      throw new IllegalStateException("cannot generate a P-256 key", e);
    }
  }

  public ECKey privateKey() {
    return key;
  }

  /** The public half, as the server's JWKS. */
  public JWKSet publicJwks() {
    return new JWKSet(key.toPublicJWK());
  }

  /** Claims every token from this minter starts with; callers add patient/scope/time. */
  public JWTClaimsSet.Builder claims(
      String issuer, String audience, String subject, String scope, Instant now, Duration ttl) {
    return new JWTClaimsSet.Builder()
        .issuer(issuer)
        .audience(audience)
        .subject(subject)
        .claim(JwtVerifier.SCOPE_CLAIM, scope)
        .claim(JwtVerifier.CLIENT_ID_CLAIM, "fhirflow-dev")
        .jwtID(UUID.randomUUID().toString())
        .issueTime(Date.from(now))
        .notBeforeTime(Date.from(now))
        .expirationTime(Date.from(now.plus(ttl)));
  }

  public String sign(JWTClaimsSet claims) {
    try {
      SignedJWT jwt =
          new SignedJWT(
              new JWSHeader.Builder(JWSAlgorithm.ES256).keyID(key.getKeyID()).build(), claims);
      jwt.sign(new ECDSASigner(key));
      return jwt.serialize();
    } catch (JOSEException e) {
      throw new IllegalStateException("cannot sign a token", e);
    }
  }
}

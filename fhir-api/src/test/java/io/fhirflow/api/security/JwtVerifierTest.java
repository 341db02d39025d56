package io.fhirflow.api.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.fhirflow.api.devtoken.TokenMinter;
import io.fhirflow.testkit.SettableClock;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class JwtVerifierTest {

  static final Instant NOW = Instant.parse("2026-11-20T10:00:00Z");
  final TokenMinter minter = TokenMinter.generate();
  final Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);

  JwtVerifier verifier(Clock c) {
    return JwtVerifier.fromKeys(minter.publicJwks(), "iss", "aud", Duration.ofSeconds(30), c);
  }

  @Test
  void acceptsAValidEs256TokenAndReadsItsClaims() throws Exception {
    String token =
        minter.sign(
            minter
                .claims("iss", "aud", "sub-1", "patient/*.rs", NOW, Duration.ofMinutes(5))
                .claim("patient", "p1")
                .build());
    AccessToken t = verifier(clock).verifyHeader("Bearer " + token);
    assertThat(t.subject()).isEqualTo("sub-1");
    assertThat(t.clientId()).isEqualTo("fhirflow-dev");
    assertThat(t.confinedTo()).contains("p1");
    assertThat(t.allows("Observation", 's')).isTrue();
  }

  @Test
  void acceptsRs256WhenTheJwksHoldsAnRsaKey() throws Exception {
    RSAKey rsa = new RSAKeyGenerator(2048).keyID("r1").generate();
    JWTClaimsSet claims =
        minter.claims("iss", "aud", "s", "system/*.rs", NOW, Duration.ofMinutes(5)).build();
    SignedJWT jwt =
        new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID("r1").build(), claims);
    jwt.sign(new RSASSASigner(rsa));
    JwtVerifier v =
        JwtVerifier.fromKeys(new JWKSet(rsa.toPublicJWK()), "iss", "aud", Duration.ZERO, clock);
    assertThat(v.verify(jwt.serialize()).subject()).isEqualTo("s");
  }

  @Test
  void rejectionsCarryAReason() {
    JwtVerifier v = verifier(clock);
    String expired =
        minter.sign(
            minter
                .claims("iss", "aud", "s", "x", NOW.minus(Duration.ofHours(2)), Duration.ofHours(1))
                .build());
    String wrongIssuer =
        minter.sign(minter.claims("other", "aud", "s", "x", NOW, Duration.ofHours(1)).build());
    String wrongAudience =
        minter.sign(minter.claims("iss", "other", "s", "x", NOW, Duration.ofHours(1)).build());
    assertReason(v, expired, TokenRejectedException.Reason.EXPIRED);
    assertReason(v, wrongIssuer, TokenRejectedException.Reason.WRONG_ISSUER);
    assertReason(v, wrongAudience, TokenRejectedException.Reason.WRONG_AUDIENCE);
    assertReason(v, "not.a.jwt", TokenRejectedException.Reason.MALFORMED);
    assertThatThrownBy(() -> v.verifyHeader(null))
        .hasFieldOrPropertyWithValue("reason", TokenRejectedException.Reason.MISSING);
    assertThatThrownBy(() -> v.verifyHeader("Basic dXNlcjpwdw=="))
        .hasFieldOrPropertyWithValue("reason", TokenRejectedException.Reason.MISSING);
  }

  @Test
  void aCachedTokenStillExpires() throws Exception {
    String token =
        minter.sign(minter.claims("iss", "aud", "s", "x", NOW, Duration.ofMinutes(1)).build());
    SettableClock moving = new SettableClock(NOW);
    JwtVerifier v = verifier(moving);
    v.verify(token);
    moving.set(NOW.plus(Duration.ofMinutes(5)));
    assertReason(v, token, TokenRejectedException.Reason.EXPIRED);
  }

  private static void assertReason(
      JwtVerifier v, String token, TokenRejectedException.Reason reason) {
    assertThatThrownBy(() -> v.verify(token))
        .isInstanceOf(TokenRejectedException.class)
        .hasFieldOrPropertyWithValue("reason", reason)
        .hasMessageNotContaining(token);
  }
}

package io.fhirflow.api.security;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SmartScopesTest {

  @Test
  void v2ReadSearchScopeGrantsReadAndSearchOfThatTypeOnly() {
    SmartScopes s = SmartScopes.parse("openid patient/Observation.rs launch/patient");
    assertThat(s.allows("Observation", 'r', true)).isTrue();
    assertThat(s.allows("Observation", 's', true)).isTrue();
    assertThat(s.allows("Patient", 'r', true)).isFalse();
  }

  @Test
  void readOnlyScopeDoesNotGrantSearch() {
    SmartScopes s = SmartScopes.parse("patient/Observation.r");
    assertThat(s.allows("Observation", 'r', true)).isTrue();
    assertThat(s.allows("Observation", 's', true)).isFalse();
  }

  @Test
  void wildcardAndV1ScopesAreUnderstood() {
    assertThat(SmartScopes.parse("patient/*.rs").allows("Device", 's', true)).isTrue();
    assertThat(SmartScopes.parse("user/Observation.read").allows("Observation", 's', true))
        .isTrue();
    assertThat(SmartScopes.parse("system/*.*").allows("Patient", 'r', false)).isTrue();
  }

  @Test
  void patientScopesNeedAPatientClaim() {
    assertThat(SmartScopes.parse("patient/*.rs").allows("Observation", 'r', false)).isFalse();
    assertThat(SmartScopes.parse("system/*.rs").allows("Observation", 'r', false)).isTrue();
  }

  @Test
  void userScopesNeedAPatientClaimUnlessThePolicyCoversAllPatients() {
    assertThat(SmartScopes.parse("user/*.rs").allows("Observation", 'r', false)).isFalse();
    assertThat(SmartScopes.parse("user/*.rs").allows("Observation", 'r', true)).isTrue();
    assertThat(SmartScopes.parse("user/*.rs", true).allows("Observation", 'r', false)).isTrue();
    assertThat(SmartScopes.parse("patient/*.rs", true).allows("Observation", 'r', false)).isFalse();
  }

  @Test
  void scopesWithQueryRestrictionsOrGarbageGrantNothing() {
    assertThat(
            SmartScopes.parse("patient/Observation.rs?category=laboratory")
                .allows("Observation", 's', true))
        .isFalse();
    assertThat(
            SmartScopes.parse("patient/Observation.sr patient/Observation.xyz patient/.rs")
                .scopes())
        .isEmpty();
    assertThat(SmartScopes.parse(null).scopes()).isEmpty();
  }

  @Test
  void onlySystemScopesCountAsBackendServicesAccess() {
    assertThat(SmartScopes.parse("system/*.rs").allowsSystem("Observation", 'r')).isTrue();
    assertThat(SmartScopes.parse("system/Device.rs").allowsSystem("Observation", 'r')).isFalse();
    assertThat(SmartScopes.parse("user/*.rs patient/*.rs").allowsSystem("Observation", 'r'))
        .isFalse();
    assertThat(SmartScopes.parse("system/*.c").allowsSystem("Observation", 'r')).isFalse();
  }
}

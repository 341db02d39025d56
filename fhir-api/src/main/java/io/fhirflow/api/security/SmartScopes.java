package io.fhirflow.api.security;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The SMART App Launch scopes of one token, v2 ({@code patient/Observation.rs}) and v1 ({@code
 * patient/Observation.read}) syntax, for the read-only interactions this server has.
 *
 * <p>Scopes with a v2 query suffix ({@code patient/Observation.rs?category=...}) are ignored:
 * treating them as unrestricted would grant more than the issuer meant, so they grant nothing here.
 * Unknown scopes ({@code openid}, {@code launch/patient}, ...) are ignored.
 */
public final class SmartScopes {

  /** patient/, user/ or system/ level of a scope. */
  public enum Context {
    PATIENT,
    USER,
    SYSTEM
  }

  /** One parsed resource scope. */
  public record Scope(Context context, String resourceType, String permissions) {
    boolean grants(String type, char permission) {
      return (resourceType.equals("*") || resourceType.equals(type))
          && permissions.indexOf(permission) >= 0;
    }
  }

  private static final Pattern SCOPE =
      Pattern.compile("(patient|user|system)/([A-Za-z]+|\\*)\\.([a-z*]+)");

  private final List<Scope> scopes;
  private final boolean userScopesForAllPatients;

  private SmartScopes(List<Scope> scopes, boolean userScopesForAllPatients) {
    this.scopes = List.copyOf(scopes);
    this.userScopesForAllPatients = userScopesForAllPatients;
  }

  /**
   * Parses a space-separated scope string; null or blank gives no scopes. user/ scopes need a
   * patient claim.
   */
  public static SmartScopes parse(String scopeClaim) {
    return parse(scopeClaim, false);
  }

  /**
   * As {@link #parse(String)}; with {@code userScopesForAllPatients}, a user/ scope on a token
   * without a patient claim grants access to every patient (the issuer vouches that the user may
   * see them all).
   */
  public static SmartScopes parse(String scopeClaim, boolean userScopesForAllPatients) {
    List<Scope> parsed = new ArrayList<>();
    if (scopeClaim != null) {
      for (String s : scopeClaim.trim().split("\\s+")) {
        Matcher m = SCOPE.matcher(s);
        if (m.matches()) {
          String perms = permissions(m.group(3));
          if (perms != null) {
            parsed.add(
                new Scope(Context.valueOf(m.group(1).toUpperCase(Locale.ROOT)), m.group(2), perms));
          }
        }
      }
    }
    return new SmartScopes(parsed, userScopesForAllPatients);
  }

  /** v2 permission letters in canonical order, or null when the text is not a permission set. */
  private static String permissions(String text) {
    switch (text) {
      case "read":
        return "rs";
      case "write":
        return "cud";
      case "*":
        return "cruds";
      default:
        // v2: a subset of c r u d s, in that order, each at most once.
        return text.matches("c?r?u?d?s?") && !text.isEmpty() ? text : null;
    }
  }

  /**
   * Whether any scope grants {@code permission} ('r' read, 's' search) on {@code resourceType}.
   * Patient-level scopes count only when the token names a patient, which then confines the
   * request. User-level scopes too, unless parsed with {@code userScopesForAllPatients}: this
   * server cannot tell which patients a user may see, so without a patient claim a user/ scope
   * would reach all of them.
   */
  public boolean allows(String resourceType, char permission, boolean tokenHasPatient) {
    for (Scope s : scopes) {
      if (!tokenHasPatient
          && (s.context() == Context.PATIENT
              || (s.context() == Context.USER && !userScopesForAllPatients))) {
        continue;
      }
      if (s.grants(resourceType, permission)) {
        return true;
      }
    }
    return false;
  }

  /**
   * Whether a {@code system/} scope grants {@code permission} on {@code resourceType}: what a SMART
   * Backend Services client holds, and what an export beyond one patient's compartment needs.
   */
  public boolean allowsSystem(String resourceType, char permission) {
    return scopes.stream()
        .anyMatch(s -> s.context() == Context.SYSTEM && s.grants(resourceType, permission));
  }

  public List<Scope> scopes() {
    return scopes;
  }
}

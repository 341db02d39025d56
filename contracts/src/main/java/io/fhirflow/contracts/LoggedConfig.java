package io.fhirflow.contracts;

import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * The one rule for what a process may print of its configuration (each logs its effective config
 * once at start): a key whose name says secret is hidden whole, and any URL keeps everything but
 * its credentials, so {@code jdbc:postgresql://db/fhirflow?user=sink&password=s3cret}, {@code
 * rediss://:s3cret@redis:6380} and {@code https://user:s3cret@registry} show where they point and
 * not how to get in. URL-valued keys are plain strings to Kafka's ConfigDef (only PASSWORD keys are
 * masked by it), which is how a password in a URL used to reach the log.
 */
public final class LoggedConfig {

  /** What a hidden value prints as (Kafka's own {@code Password.HIDDEN}). */
  public static final String HIDDEN = "[hidden]";

  /** user:password@ (or a bare token@, as Redis takes it) between a scheme and a host. */
  private static final Pattern USER_INFO = Pattern.compile("(://)[^/?#\\s,]*@");

  /** Query or pgjdbc-style parameters that carry a secret. */
  private static final Pattern SECRET_PARAMETER =
      Pattern.compile(
          "(?i)([?&;](?:password|sslpassword|pwd|passwd|secret|token|access_token|api_key|apikey|key|auth)=)[^&;#\\s,]*");

  private static final Pattern SECRET_NAME =
      Pattern.compile(
          "(?i).*(password|passwd|secret|jaas|credential|token|user\\.info|userinfo|api\\.key|private\\.key|keystore\\.key).*|.*\\.key");

  private LoggedConfig() {}

  /** The value of {@code key} as a log line may show it. */
  public static String value(String key, Object value) {
    if (value == null) {
      return "null";
    }
    String text = String.valueOf(value);
    if (isSecretName(key) && !text.isEmpty()) {
      return HIDDEN;
    }
    return maskUrlCredentials(text);
  }

  /**
   * The one start-up log line of a process's effective configuration: every key, sorted, each value
   * as {@link #value} shows it (a Kafka {@code Password} prints as {@link #HIDDEN} by itself).
   */
  public static String describe(Map<String, ?> values) {
    Map<String, String> shown = new TreeMap<>();
    values.forEach((k, v) -> shown.put(k, value(k, v)));
    return shown.toString();
  }

  /** Whether a key's name says its value is a secret. */
  public static boolean isSecretName(String key) {
    return SECRET_NAME.matcher(key.toLowerCase(Locale.ROOT)).matches();
  }

  /**
   * Any text with every URL's user info and secret parameters replaced by {@link #HIDDEN}; other
   * text unchanged.
   */
  public static String maskUrlCredentials(String text) {
    String masked = USER_INFO.matcher(text).replaceAll("$1" + HIDDEN + "@");
    return SECRET_PARAMETER.matcher(masked).replaceAll("$1" + HIDDEN);
  }
}

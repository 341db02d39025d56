package io.fhirflow.testkit;

import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Assumptions;

/**
 * Checks that need a tool or a free machine (kubectl, promtool, chromium's driver, the default
 * ports): a developer's machine without it skips them, CI must run them and so never skips.
 */
public final class Ci {

  private Ci() {}

  /** Whether this is a CI run: the {@code CI} environment variable is set and not blank. */
  public static boolean running() {
    String ci = System.getenv("CI");
    return ci != null && !ci.isBlank();
  }

  /**
   * Outside CI, skips the test unless {@code condition} holds (asked only there); on CI the test
   * goes on, and fails at what is missing.
   */
  public static void assumeOutsideCi(BooleanSupplier condition, String message) {
    if (!running()) {
      Assumptions.assumeTrue(condition, message);
    }
  }
}

package io.fhirflow.dist;

import java.io.IOException;
import java.util.concurrent.TimeUnit;

/** Tools the checks run from the PATH (kubectl, promtool). */
final class ExternalCommand {

  private ExternalCommand() {}

  /** Whether {@code command} (for example {@code kubectl version --client}) runs and exits 0. */
  static boolean answers(String... command) {
    try {
      Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
      p.getInputStream().readAllBytes();
      return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }
}

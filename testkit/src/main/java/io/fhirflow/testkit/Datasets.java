package io.fhirflow.testkit;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where the shared datasets (real Apple Health exports, ../shared/datasets) are: the system
 * property {@code fhirflow.datasets} or the environment variable {@code FHIRFLOW_DATASETS} if set,
 * else the first {@code shared/datasets} above the working directory (the worktree, a module
 * directory or CI's clone), else {@code /work/shared/datasets}. Tests that need a file skip when it
 * is not there.
 */
public final class Datasets {

  private Datasets() {}

  public static Path root() {
    String configured = System.getProperty("fhirflow.datasets", System.getenv("FHIRFLOW_DATASETS"));
    if (configured != null) {
      return Path.of(configured);
    }
    for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
      Path candidate = p.resolve("shared/datasets");
      if (Files.isDirectory(candidate)) {
        return candidate;
      }
    }
    return Path.of("/work/shared/datasets");
  }
}

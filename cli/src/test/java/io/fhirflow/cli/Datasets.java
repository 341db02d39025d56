package io.fhirflow.cli;

import java.nio.file.Files;
import java.nio.file.Path;

/** Finds ../shared/datasets from the worktree, from the module directory or from CI's clone. */
public final class Datasets {

  private Datasets() {}

  public static Path root() {
    String configured = System.getenv("FHIRFLOW_DATASETS");
    if (configured != null) {
      return Path.of(configured);
    }
    Path dir = Path.of("").toAbsolutePath();
    for (Path p = dir; p != null; p = p.getParent()) {
      Path candidate = p.resolve("shared/datasets");
      if (Files.isDirectory(candidate)) {
        return candidate;
      }
    }
    return Path.of("/work/shared/datasets");
  }
}

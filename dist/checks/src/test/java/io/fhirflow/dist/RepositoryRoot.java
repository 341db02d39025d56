package io.fhirflow.dist;

import java.nio.file.Files;
import java.nio.file.Path;

/** The repository root, found from the module's working directory (dist/checks). */
final class RepositoryRoot {

  private RepositoryRoot() {}

  static Path find() {
    for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
      if (Files.isDirectory(p.resolve("k8s"))
          && Files.isDirectory(p.resolve("docker"))
          && Files.exists(p.resolve("pom.xml"))) {
        return p;
      }
    }
    throw new IllegalStateException(
        "repository root (with k8s/ and docker/) not found above " + Path.of("").toAbsolutePath());
  }
}

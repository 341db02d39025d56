package io.fhirflow.dist;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.ZipFile;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The images cannot be built here (no Docker engine), so this checks what a build needs: after
 * {@code mvn package} (this runs in the integration-test phase, after the image modules), every
 * file a Dockerfile copies from the build context exists, the image runs as a non-root user on a
 * Java 17+ runtime, and its entry point's main class is in the jars it copies.
 */
class DockerfilesIT {

  static final Path ROOT = RepositoryRoot.find();
  private static final Pattern COPY =
      Pattern.compile("^COPY\\s+(?!--from)(.+)$", Pattern.MULTILINE);
  private static final Pattern MAIN = Pattern.compile("\"(io\\.fhirflow\\.[A-Za-z.]+\\.Main)\"");

  static Stream<Path> dockerfiles() throws IOException {
    try (Stream<Path> s = Files.walk(ROOT.resolve("docker"))) {
      List<Path> files =
          s.filter(p -> p.getFileName().toString().equals("Dockerfile")).sorted().toList();
      assertThat(files).hasSize(4);
      return files.stream();
    }
  }

  @ParameterizedTest
  @MethodSource("dockerfiles")
  void everyFileTheDockerfileCopiesExistsAfterPackage(Path dockerfile) throws IOException {
    String text = Files.readString(dockerfile);
    Matcher m = COPY.matcher(text);
    int copies = 0;
    while (m.find()) {
      String[] parts = m.group(1).trim().split("\\s+");
      for (int i = 0; i < parts.length - 1; i++) {
        if (parts[i].startsWith("--")) {
          continue;
        }
        Path source = ROOT.resolve(parts[i]);
        assertThat(source).as(dockerfile + ": " + parts[i]).exists();
        if (parts[i].endsWith("/")) {
          try (Stream<Path> entries = Files.list(source)) {
            assertThat(entries.count()).as(parts[i] + " is empty").isPositive();
          }
        }
        copies++;
      }
    }
    assertThat(copies).as(dockerfile.toString()).isPositive();
  }

  @ParameterizedTest
  @MethodSource("dockerfiles")
  void theImageRunsAsANonRootUserOnAJava17OrLaterRuntime(Path dockerfile) throws IOException {
    List<String> lines = Files.readAllLines(dockerfile);
    String from =
        lines.stream().filter(l -> l.startsWith("FROM ")).reduce((a, b) -> b).orElseThrow();
    assertThat(from)
        .matches("FROM (eclipse-temurin:(1[7-9]|2\\d)-jre.*|quay\\.io/strimzi/kafka:.*)");
    String user =
        lines.stream().filter(l -> l.startsWith("USER ")).reduce((a, b) -> b).orElseThrow();
    assertThat(user).doesNotContain("root").doesNotMatch("USER 0(:.*)?");
  }

  @ParameterizedTest
  @MethodSource("dockerfiles")
  void theEntryPointMainClassIsInTheCopiedJars(Path dockerfile) throws IOException {
    String text = Files.readString(dockerfile);
    Matcher main = MAIN.matcher(text);
    if (!main.find()) {
      // The Connect image's entry point is Strimzi's; its plugin class is what must be there.
      assertThat(
              classIn(
                  ROOT.resolve("dist/image-sink-connect/target/plugins/fhirflow-sink-connector"),
                  "io/fhirflow/sink/FhirSinkConnector.class"))
          .isTrue();
      return;
    }
    Matcher copy = COPY.matcher(text);
    List<Path> libs = new ArrayList<>();
    while (copy.find()) {
      String source = copy.group(1).trim().split("\\s+")[0];
      if (source.endsWith("lib/")) {
        libs.add(ROOT.resolve(source));
      }
    }
    assertThat(libs).isNotEmpty();
    String classFile = main.group(1).replace('.', '/') + ".class";
    assertThat(libs.stream().anyMatch(l -> classIn(l, classFile))).as(classFile).isTrue();
  }

  private static boolean classIn(Path dir, String classFile) {
    try (Stream<Path> jars = Files.list(dir)) {
      return jars.filter(j -> j.toString().endsWith(".jar"))
          .anyMatch(
              j -> {
                try (ZipFile zip = new ZipFile(j.toFile())) {
                  return zip.getEntry(classFile) != null;
                } catch (IOException e) {
                  return false;
                }
              });
    } catch (IOException e) {
      return false;
    }
  }
}

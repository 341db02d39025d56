package io.fhirflow.mapping;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The committed record of what the mapper gives for {@link EncodingInputs}, in {@code
 * src/test/resources/encoding}: {@code catalogue.ndjson} and {@code golden-samples.ndjson} hold the
 * full transcripts (every Observation's bytes, metric point and rejection), {@code digests.tsv} the
 * line count and SHA-256 of the transcript of each entry's adversarial variants and of each real
 * export (together some megabytes of JSON, which a diff could not review anyway). They were written
 * once by the HAPI-model mapper that preceded the model-free encoder (issue 19 item 1), so they
 * carry its output forward; rewrite them only for a deliberate change of the output and review the
 * diff.
 */
final class PinnedEncodings {
  static final Path DIRECTORY = Path.of("src", "test", "resources", "encoding");
  private static final Path CATALOGUE = DIRECTORY.resolve("catalogue.ndjson");
  private static final Path GOLDEN = DIRECTORY.resolve("golden-samples.ndjson");
  private static final Path DIGESTS = DIRECTORY.resolve("digests.tsv");
  static final String ADVERSARIAL = "adversarial";
  static final String EXPORT = "export";

  /** Maps one case and records the outcome in the transcript. */
  interface Recorder {
    void record(EncodingCase input, EncodingTranscript into);
  }

  private PinnedEncodings() {}

  static EncodingTranscript transcript(List<EncodingCase> cases, Recorder recorder) {
    EncodingTranscript transcript = new EncodingTranscript();
    for (EncodingCase input : cases) {
      recorder.record(input, transcript);
    }
    return transcript;
  }

  /** Catalogue transcript lines by case label. */
  static Map<String, List<String>> catalogue() {
    return EncodingTranscript.byCase(read(CATALOGUE));
  }

  /** Golden-sample transcript lines by case label. */
  static Map<String, List<String>> golden() {
    return EncodingTranscript.byCase(read(GOLDEN));
  }

  /** {@code "<set>\t<key>"} to {@code "<lines>\t<sha256>"}. */
  static Map<String, String> digests() {
    Map<String, String> digests = new LinkedHashMap<>();
    for (String line : read(DIGESTS)) {
      String[] columns = line.split("\t", -1);
      digests.put(columns[0] + "\t" + columns[1], columns[2] + "\t" + columns[3]);
    }
    return digests;
  }

  static String digest(EncodingTranscript transcript) {
    return transcript.lines().size() + "\t" + transcript.sha256();
  }

  /** Rewrites every fixture from the recorder's mapping; every real export must be present. */
  static void write(Recorder recorder) throws IOException {
    Files.createDirectories(DIRECTORY);
    List<EncodingCase> catalogue = new ArrayList<>();
    EncodingInputs.entries().forEach(e -> catalogue.addAll(EncodingInputs.catalogue(e)));
    Files.write(CATALOGUE, transcript(catalogue, recorder).lines(), StandardCharsets.UTF_8);
    List<EncodingCase> golden = EncodingInputs.goldenNames().map(EncodingInputs::golden).toList();
    Files.write(GOLDEN, transcript(golden, recorder).lines(), StandardCharsets.UTF_8);
    List<String> digests = new ArrayList<>();
    EncodingInputs.adversarial()
        .forEach(
            (code, cases) ->
                digests.add(
                    ADVERSARIAL + "\t" + code + "\t" + digest(transcript(cases, recorder))));
    for (String export : EncodingInputs.exports().toList()) {
      if (!Files.exists(EncodingInputs.DATASETS.resolve(export))) {
        throw new IllegalStateException("write the fixtures where every export is present");
      }
      digests.add(
          EXPORT
              + "\t"
              + export
              + "\t"
              + digest(transcript(EncodingInputs.realExport(export), recorder)));
    }
    Files.write(DIGESTS, digests, StandardCharsets.UTF_8);
  }

  private static List<String> read(Path file) {
    try {
      return Files.readAllLines(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}

package io.fhirflow.sink;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The hand-read common shape judges every text exactly as {@code OffsetDateTime.parse} does. */
class FhirInstantTest {

  private static final List<String> SEEDS =
      List.of(
          "2026-11-25T08:15:30Z",
          "2026-11-25T08:15:30.123Z",
          "2026-11-25T08:15:30.123456789Z",
          "2026-11-25T08:15:30.1234567+01:00",
          "2026-03-29T02:30:00-05:30",
          "2024-02-29T23:59:59.999999999+14:00",
          "2025-02-29T00:00:00Z",
          "0001-01-01T00:00:00Z",
          "9999-12-31T23:59:59.9-18:00",
          "2026-11-25T24:00:00Z",
          "2026-11-25T08:60:00Z",
          "2026-11-25T08:15:60Z",
          "2026-13-01T00:00:00Z",
          "2026-11-31T00:00:00Z",
          "2026-11-25T08:15:30+18:00",
          "2026-11-25T08:15:30+18:01",
          "2026-11-25T08:15:30-19:00",
          "2026-11-25T08:15:30.Z",
          "2026-11-25T08:15:30.1234567890Z",
          "2026-11-25T08:15Z",
          "2026-11-25t08:15:30z",
          "2026-11-25T08:15:30",
          "2026-11-25T08:15:30+0100",
          "2026-11-25T08:15:30+01:00:30",
          "+12026-11-25T08:15:30Z",
          "2026-11-25 08:15:30Z");

  @Test
  void everySeedIsJudgedAsTheJdkJudgesIt() {
    for (String text : SEEDS) {
      assertEquals(jdk(text), ours(text), text);
    }
  }

  /** Single-character edits of the seeds: digits, separators and letters at every position. */
  @Test
  void mutatedTextsAreJudgedAsTheJdkJudgesThem() {
    Random random = new Random(19);
    String alphabet = "0123456789-:+.TZtz x";
    List<String> texts = new ArrayList<>();
    for (String seed : SEEDS) {
      for (int i = 0; i < seed.length(); i++) {
        for (int k = 0; k < 4; k++) {
          char c = alphabet.charAt(random.nextInt(alphabet.length()));
          texts.add(seed.substring(0, i) + c + seed.substring(i + 1));
        }
        texts.add(seed.substring(0, i) + seed.substring(i + 1));
      }
    }
    for (String text : texts) {
      assertEquals(jdk(text), ours(text), text);
    }
  }

  private static Object jdk(String text) {
    try {
      return OffsetDateTime.parse(text).toInstant().truncatedTo(ChronoUnit.MICROS);
    } catch (DateTimeException e) {
      return "rejected";
    }
  }

  private static Object ours(String text) {
    try {
      Instant parsed = FhirInstant.parse(text);
      return parsed;
    } catch (DateTimeException e) {
      return "rejected";
    }
  }
}

package io.fhirflow.sink;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class CopyTextEncoderTest {

  private static String row(java.util.function.Consumer<CopyTextEncoder> fill) {
    CopyTextEncoder e = new CopyTextEncoder();
    fill.accept(e);
    e.endRow();
    return e.toString();
  }

  @Test
  void plainValuesAreCopiedWholeAndTabSeparated() {
    assertEquals(
        "{\"a\":1}\t7\t2026-01-01T00:00:00Z\t\\N\n",
        row(
            e ->
                e.text("{\"a\":1}")
                    .number(7)
                    .instant(Instant.parse("2026-01-01T00:00:00Z"))
                    .text(null)));
  }

  @Test
  void everyCharacterCopyTreatsSpeciallyIsEscapedWhereverItStands() {
    assertEquals(
        "\\\\start mid\\tdle\\nline\\rend\\\\\n",
        row(e -> e.text("\\start mid\tdle\nline\rend\\")));
    assertEquals("Zürich ❤\n", row(e -> e.text("Zürich ❤")));
  }

  @Test
  void aResetBufferIsReusedAndGrowsPastItsFirstCapacity() {
    CopyTextEncoder e = new CopyTextEncoder();
    e.text("dropped").endRow();
    String big = "é".repeat(100_000);
    e.reset().text(big).number(-3).endRow();
    assertEquals(big + "\t-3\n", e.toString());
    assertEquals(200_004, e.length());
  }

  @Test
  void arraysAreQuotedLiteralsEscapedOnceMoreForCopy() {
    assertEquals(
        "{\"http://loinc.org|8867-4\",\"x|a\\\\\\\\b\\\\\"c\"}\t\\N\n",
        row(e -> e.textArray(List.of("http://loinc.org|8867-4", "x|a\\b\"c")).textArray(null)));
  }
}

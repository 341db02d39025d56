package io.fhirflow.cli.output;

import java.io.PrintStream;
import java.util.function.Supplier;

/**
 * A live one-line status on a terminal: redrawn in place with a carriage return at most every
 * {@code intervalMillis}, so a tight loop can call {@link #maybeShow} per record for free. Lines
 * carry counts and rates only, never sample content.
 */
public final class ProgressLine {

  private final PrintStream out;
  private final long intervalNanos;
  private long lastShown;
  private int lastLength;

  public ProgressLine(PrintStream out, long intervalMillis) {
    this.out = out;
    this.intervalNanos = intervalMillis * 1_000_000L;
    this.lastShown = System.nanoTime();
  }

  /** Redraws the line if the interval has passed; the text is only built then. */
  public void maybeShow(Supplier<String> text) {
    long now = System.nanoTime();
    if (now - lastShown >= intervalNanos) {
      lastShown = now;
      show(text.get());
    }
  }

  /** Redraws the line now. */
  public synchronized void show(String text) {
    String padded =
        text.length() < lastLength ? text + " ".repeat(lastLength - text.length()) : text;
    lastLength = text.length();
    out.print('\r');
    out.print(padded);
    out.flush();
  }

  /** Shows the final text and ends the line, so what follows starts on a fresh line. */
  public synchronized void finish(String text) {
    show(text);
    out.println();
    lastLength = 0;
  }
}

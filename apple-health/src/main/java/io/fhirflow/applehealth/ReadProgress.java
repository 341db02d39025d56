package io.fhirflow.applehealth;

import java.util.function.Supplier;

/** A one-line status of a long read, for a terminal; lines carry counts only, never content. */
public interface ReadProgress {

  /** Shows nothing. */
  ReadProgress NONE =
      new ReadProgress() {
        @Override
        public void maybeShow(Supplier<String> line) {}

        @Override
        public void finish(String line) {}
      };

  /** Called per element; the line is built only when it is shown. */
  void maybeShow(Supplier<String> line);

  /** The last line. */
  void finish(String line);
}

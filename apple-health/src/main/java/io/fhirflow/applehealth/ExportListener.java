package io.fhirflow.applehealth;

import io.fhirflow.schema.WearableSample;
import java.util.function.Consumer;

/**
 * Where {@link AppleHealthExportReader} puts what an export holds, in file order: each sample once,
 * each element that cannot be a sample with its reason and line.
 */
public interface ExportListener {

  /** One sample; blood pressure comes once, as the correlation, not again as its members. */
  void sample(WearableSample sample);

  /** An element that could not become a sample; the reading goes on with the next one. */
  void rejected(RejectedElement element);

  /**
   * Called once after the last element and before the report is closed, so the time a listener
   * takes to settle what it was given (a producer's acknowledgements) counts in the report's rate.
   */
  default void finished() {}

  /** A listener of two functions, for callers with nothing to do when the export ends. */
  static ExportListener of(Consumer<WearableSample> samples, Consumer<RejectedElement> rejections) {
    return new ExportListener() {
      @Override
      public void sample(WearableSample sample) {
        samples.accept(sample);
      }

      @Override
      public void rejected(RejectedElement element) {
        rejections.accept(element);
      }
    };
  }

  /**
   * Takes the samples and fails on the first rejected element: for readers of exports that must be
   * whole, such as the tests over the real exports.
   */
  static ExportListener samplesOnly(Consumer<WearableSample> samples) {
    return of(
        samples,
        element -> {
          throw new IllegalStateException(
              "line "
                  + element.line()
                  + ": <"
                  + element.elementName()
                  + "> "
                  + element.reason().code()
                  + " ("
                  + element.detail()
                  + ")");
        });
  }
}

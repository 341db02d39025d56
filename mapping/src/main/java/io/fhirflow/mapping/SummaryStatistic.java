package io.fhirflow.mapping;

import java.util.Locale;

/** A component of a summary, coded in R4's {@code observation-statistics} code system. */
public enum SummaryStatistic {
  MINIMUM("minimum", "Minimum"),
  MAXIMUM("maximum", "Maximum"),
  AVERAGE("average", "Average"),
  COUNT("count", "Count");

  private final String code;
  private final String display;

  SummaryStatistic(String code, String display) {
    this.code = code;
    this.display = display;
  }

  public String code() {
    return code;
  }

  public String display() {
    return display;
  }

  static SummaryStatistic parse(String text) {
    return valueOf(text.toUpperCase(Locale.ROOT));
  }
}

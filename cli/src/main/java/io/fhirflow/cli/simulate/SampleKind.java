package io.fhirflow.cli.simulate;

import java.time.Duration;

/**
 * The kinds of traffic the simulator produces, each with the cadence a real phone syncs it at:
 * heart rate every few minutes, step buckets every quarter hour, SpO2 hourly, blood pressure twice
 * a day, weight and a sleep session once a day.
 */
public enum SampleKind {
  HEART_RATE("heart-rate", Duration.ofMinutes(5)),
  STEPS("steps", Duration.ofMinutes(15)),
  SPO2("spo2", Duration.ofHours(1)),
  BLOOD_PRESSURE("blood-pressure", Duration.ofHours(12)),
  WEIGHT("weight", Duration.ofDays(1)),
  SLEEP("sleep", Duration.ofDays(1));

  private final String label;
  private final Duration cadence;

  SampleKind(String label, Duration cadence) {
    this.label = label;
    this.cadence = cadence;
  }

  public String label() {
    return label;
  }

  public Duration cadence() {
    return cadence;
  }
}

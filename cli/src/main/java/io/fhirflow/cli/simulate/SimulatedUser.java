package io.fhirflow.cli.simulate;

import io.fhirflow.schema.Platform;
import java.time.ZoneId;
import java.util.Random;

/**
 * A simulated person with a phone: platform, home time zone and the physiological baselines the
 * values vary around, drawn once from the seed so a run is reproducible.
 */
record SimulatedUser(
    String id,
    Platform platform,
    ZoneId zone,
    double restingHeartRate,
    double systolic,
    double diastolic,
    double weightKg,
    double stepsPerHour) {

  private static final ZoneId[] ZONES = {
    ZoneId.of("Europe/Berlin"), ZoneId.of("America/New_York"), ZoneId.of("Asia/Tokyo"),
    ZoneId.of("Europe/London"), ZoneId.of("America/Los_Angeles"), ZoneId.of("Asia/Kolkata")
  };

  static SimulatedUser draw(int index, Random random) {
    return new SimulatedUser(
        String.format("sim-user-%04d", index),
        index % 2 == 0 ? Platform.HEALTHKIT : Platform.HEALTH_CONNECT,
        ZONES[index % ZONES.length],
        55 + random.nextDouble() * 20,
        110 + random.nextDouble() * 25,
        68 + random.nextDouble() * 16,
        55 + random.nextDouble() * 45,
        300 + random.nextDouble() * 700);
  }
}

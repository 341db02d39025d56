package io.fhirflow.cli.simulate;

import io.fhirflow.schema.Platform;
import java.time.ZoneId;
import java.util.List;
import java.util.Random;

/**
 * A simulated person with a phone: tenant, platform, home time zone and the physiological baselines
 * the values vary around, drawn once from the seed so a run is reproducible.
 */
record SimulatedUser(
    String tenant,
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

  /**
   * The user id of the {@code index}-th user (from 1) when the users are dealt over {@code tenants}
   * in turn: {@code sim-user-<index>}, except that the second tenant's first user (index 2) takes
   * the first tenant's first user's id, {@code sim-user-0001}: the same user id in two tenants,
   * which must become two patients (docs/tenants.md). With one tenant every id is distinct, as
   * before tenants.
   */
  static String idOf(int index, List<String> tenants) {
    return String.format("sim-user-%04d", tenants.size() > 1 && index == 2 ? 1 : index);
  }

  static SimulatedUser draw(String tenant, String id, int index, Random random) {
    return new SimulatedUser(
        tenant,
        id,
        index % 2 == 0 ? Platform.HEALTHKIT : Platform.HEALTH_CONNECT,
        ZONES[index % ZONES.length],
        55 + random.nextDouble() * 20,
        110 + random.nextDouble() * 25,
        68 + random.nextDouble() * 16,
        55 + random.nextDouble() * 45,
        300 + random.nextDouble() * 700);
  }
}

package io.fhirflow.testkit;

import io.fhirflow.schema.Device;

/**
 * The watches the test and benchmark samples are recorded on, as each platform reports them: the
 * testkit's samples, the mapping tests' fixtures and the benchmarks' generator describe the same
 * devices. A new instance each call (Avro records are mutable).
 */
public final class SampleDevices {

  private SampleDevices() {}

  /** An Apple Watch (Watch6,1) on watchOS {@code softwareVersion}, as HealthKit reports it. */
  public static Device appleWatch(String softwareVersion) {
    return Device.newBuilder()
        .setName("Apple Watch")
        .setManufacturer("Apple Inc.")
        .setModel("Watch")
        .setHardwareVersion("Watch6,1")
        .setSoftwareVersion(softwareVersion)
        .build();
  }

  /** A Pixel Watch 2, as Health Connect reports it (device type 1: a watch). */
  public static Device pixelWatch2() {
    return Device.newBuilder()
        .setManufacturer("Google")
        .setModel("Pixel Watch 2")
        .setDeviceType(1)
        .build();
  }
}

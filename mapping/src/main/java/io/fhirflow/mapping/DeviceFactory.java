package io.fhirflow.mapping;

import io.fhirflow.contracts.FhirSystems;
import io.fhirflow.schema.Platform;
import io.fhirflow.schema.WearableSample;
import java.util.Optional;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Device;

/**
 * The Device that measured, as one user's Device (its id names the user, {@link
 * ResourceIds#device}). The device key is (platform, manufacturer, model, hardware version, Health
 * Connect device type): never the HealthKit device name, local identifier or UDI, which may be MAC
 * addresses, serials or names a person chose (PII), and never a software version, which changes
 * under the same device.
 */
final class DeviceFactory {
  private static final String[] HEALTH_CONNECT_TYPES = {
    "TYPE_UNKNOWN",
    "TYPE_WATCH",
    "TYPE_PHONE",
    "TYPE_SCALE",
    "TYPE_RING",
    "TYPE_HEAD_MOUNTED",
    "TYPE_FITNESS_BAND",
    "TYPE_CHEST_STRAP",
    "TYPE_SMART_DISPLAY"
  };

  private DeviceFactory() {}

  /** The device's key, or empty when the sample names no device or nothing identifying about it. */
  static Optional<String> key(WearableSample sample) {
    io.fhirflow.schema.Device device = sample.getDevice();
    if (device == null) {
      return Optional.empty();
    }
    String model = device.getModel() != null ? device.getModel() : device.getName();
    if (device.getManufacturer() == null
        && model == null
        && device.getHardwareVersion() == null
        && device.getDeviceType() == null) {
      return Optional.empty();
    }
    return Optional.of(
        sample.getPlatform().name()
            + "|"
            + nullToEmpty(device.getManufacturer())
            + "|"
            + nullToEmpty(model)
            + "|"
            + nullToEmpty(device.getHardwareVersion())
            + "|"
            + (device.getDeviceType() == null ? "" : device.getDeviceType()));
  }

  static FhirResource resource(String tenant, WearableSample sample, String key) {
    io.fhirflow.schema.Device source = sample.getDevice();
    Device device = new Device();
    String id = ResourceIds.device(tenant, sample.getUserId(), key);
    device.setId(id);
    device.getMeta().addTag(FhirSystems.TENANT, tenant, null);
    device.addIdentifier().setSystem(FhirSystems.SID_DEVICE_KEY).setValue(key);
    if (source.getManufacturer() != null) {
      device.setManufacturer(source.getManufacturer());
    }
    String model = source.getModel() != null ? source.getModel() : source.getName();
    if (model != null) {
      device.addDeviceName().setName(model).setType(Device.DeviceNameType.MODELNAME);
    }
    if (source.getHardwareVersion() != null) {
      device.setModelNumber(source.getHardwareVersion());
    }
    Integer type = source.getDeviceType();
    if (sample.getPlatform() == Platform.HEALTH_CONNECT && type != null) {
      String code =
          type >= 0 && type < HEALTH_CONNECT_TYPES.length
              ? HEALTH_CONNECT_TYPES[type]
              : "TYPE_UNKNOWN";
      device.setType(
          new CodeableConcept()
              .addCoding(
                  new org.hl7.fhir.r4.model.Coding(
                      FhirSystems.HEALTH_CONNECT, "Device." + code, null)));
    }
    return new FhirResource("Device", id, FhirJsonEncoder.device(device));
  }

  private static String nullToEmpty(String text) {
    return text == null ? "" : text;
  }
}

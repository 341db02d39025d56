package io.fhirflow.mapping;

import io.fhirflow.contracts.FhirSystems;
import io.fhirflow.schema.Platform;
import io.fhirflow.schema.WearableSample;
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

  /**
   * What identifies a sample's device, the parts of its key as the sample holds them: comparing
   * these is what the mapper's Device cache needs, without building the key string per sample.
   */
  record Identity(
      Platform platform,
      String manufacturer,
      String model,
      String hardwareVersion,
      Integer deviceType) {
    /** The device key: the parts joined by {@code |}, a missing one as empty. */
    String key() {
      return platform.name()
          + "|"
          + nullToEmpty(manufacturer)
          + "|"
          + nullToEmpty(model)
          + "|"
          + nullToEmpty(hardwareVersion)
          + "|"
          + (deviceType == null ? "" : deviceType);
    }
  }

  /**
   * The device's identity, or null when the sample names no device or nothing identifying about it.
   */
  static Identity identity(WearableSample sample) {
    io.fhirflow.schema.Device device = sample.getDevice();
    if (device == null) {
      return null;
    }
    String model = device.getModel() != null ? device.getModel() : device.getName();
    if (device.getManufacturer() == null
        && model == null
        && device.getHardwareVersion() == null
        && device.getDeviceType() == null) {
      return null;
    }
    return new Identity(
        sample.getPlatform(),
        device.getManufacturer(),
        model,
        device.getHardwareVersion(),
        device.getDeviceType());
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

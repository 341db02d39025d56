package io.fhirflow.applehealth;

import io.fhirflow.schema.Device;
import java.util.regex.Pattern;

/**
 * Reads the printed {@code HKDevice} object that exports put in the {@code device} attribute:
 * {@code <<HKDevice: 0x282e3a260>, name:iPhone, manufacturer:Apple Inc., model:iPhone,
 * hardware:iPhone10,4, software:12.3>}. The {@code 0x} pointer changes on every record and is
 * dropped; values may contain commas ({@code iPhone10,4}), so fields are split only before a {@code
 * key:}. {@code localIdentifier} (a Bluetooth MAC or UUID) is kept in its PII-marked field and
 * never logged.
 */
final class HkDeviceString {

  private static final Pattern FIELD_SEPARATOR = Pattern.compile(",\\s*(?=[A-Za-z]+:)");
  private static final Pattern POINTER_PREFIX =
      Pattern.compile("^<+\\s*HKDevice:\\s*[^>]*>\\s*,?\\s*");

  private HkDeviceString() {}

  /** The device, or null for a blank string. A string with no fields becomes a device name. */
  static Device parse(String printed) {
    if (printed == null || printed.isBlank()) {
      return null;
    }
    String body = POINTER_PREFIX.matcher(printed.trim()).replaceFirst("");
    if (body.endsWith(">")) {
      body = body.substring(0, body.length() - 1);
    }
    Device.Builder device = Device.newBuilder();
    boolean any = false;
    for (String field : FIELD_SEPARATOR.split(body)) {
      int colon = field.indexOf(':');
      if (colon <= 0) {
        continue;
      }
      String key = field.substring(0, colon).trim();
      String value = field.substring(colon + 1).trim();
      if (value.isEmpty()) {
        continue;
      }
      any = true;
      switch (key) {
        case "name" -> device.setName(value);
        case "manufacturer" -> device.setManufacturer(value);
        case "model" -> device.setModel(value);
        case "hardware" -> device.setHardwareVersion(value);
        case "firmware" -> device.setFirmwareVersion(value);
        case "software" -> device.setSoftwareVersion(value);
        case "localIdentifier" -> device.setLocalIdentifier(value);
        case "UDIDeviceIdentifier", "udiDeviceIdentifier" -> device.setUdiDeviceIdentifier(value);
        default -> {
          // Keys of later iOS versions have no field in the Device record yet.
        }
      }
    }
    if (!any) {
      device.setName(body.isBlank() ? printed.trim() : body.trim());
    }
    return device.build();
  }
}

package io.fhirflow.mapping;

import io.fhirflow.schema.WearableSample;

/**
 * One input of the pinned-encoding check: a sample mapped for a tenant, amended or not.
 *
 * @param label names the case in the fixtures ({@code <platform code> <tenant>[ amended]}, or the
 *     golden case, or the export and record number)
 */
record EncodingCase(String label, String tenant, WearableSample sample, boolean amended) {
  static EncodingCase of(String prefix, String tenant, WearableSample sample, boolean amended) {
    return new EncodingCase(
        prefix + " " + tenant + (amended ? " amended" : ""), tenant, sample, amended);
  }
}

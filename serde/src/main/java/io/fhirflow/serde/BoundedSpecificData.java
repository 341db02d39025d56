package io.fhirflow.serde;

import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificData;

/**
 * The generated classes' data model, except that it does not trust item counts read from the
 * data when sizing arrays and maps. Avro pre-allocates a collection of the announced size, so a
 * corrupt count of a billion would allocate gigabytes (or throw OutOfMemoryError and kill the
 * process) instead of raising CorruptBodyException; with the initial capacity capped, the read
 * runs into the end of the bytes instead. Overridden on the model, not the DatumReader, because
 * Avro's default fast reader allocates collections through the model.
 */
final class BoundedSpecificData extends SpecificData {

  private static final int MAX_PREALLOCATED_ITEMS = 1024;

  /** A copy of {@code model} (class loader and logical-type conversions) with bounded pre-allocation. */
  BoundedSpecificData(SpecificData model) {
    super(model.getClassLoader());
    model.getConversions().forEach(this::addLogicalTypeConversion);
  }

  @Override
  public Object newArray(Object old, int size, Schema schema) {
    return super.newArray(old, Math.min(size, MAX_PREALLOCATED_ITEMS), schema);
  }

  @Override
  public Object newMap(Object old, int size) {
    return super.newMap(old, Math.min(size, MAX_PREALLOCATED_ITEMS));
  }
}

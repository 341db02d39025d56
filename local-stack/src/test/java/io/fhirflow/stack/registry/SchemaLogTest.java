package io.fhirflow.stack.registry;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SchemaLogTest {

  @Test
  void writesSchemasInConfluentsSchemasTopicLayoutAndReadsThemBack() {
    LogEntry entry = new LogEntry.SchemaEntry("wearable.samples.raw-value", 2, 7, "\"string\"");

    assertThat(SchemaLog.key(entry))
        .isEqualTo(
            "{\"keytype\":\"SCHEMA\",\"subject\":\"wearable.samples.raw-value\",\"version\":2,\"magic\":1}");
    assertThat(SchemaLog.value(entry))
        .isEqualTo(
            "{\"subject\":\"wearable.samples.raw-value\",\"version\":2,\"id\":7,\"schema\":\"\\\"string\\\"\",\"deleted\":false}");
    assertThat(SchemaLog.decode(SchemaLog.key(entry), SchemaLog.value(entry))).contains(entry);
  }

  @Test
  void keepsGlobalAndSubjectLevelsUnderSeparateKeysAndRemovesWithATombstone() {
    LogEntry global = new LogEntry.ConfigEntry(null, CompatibilityLevel.FULL);
    LogEntry removed = new LogEntry.ConfigEntry("s", null);

    assertThat(SchemaLog.key(global))
        .isEqualTo("{\"keytype\":\"CONFIG\",\"subject\":null,\"magic\":0}");
    assertThat(SchemaLog.decode(SchemaLog.key(global), SchemaLog.value(global))).contains(global);
    assertThat(SchemaLog.value(removed)).isNull();
    assertThat(SchemaLog.decode(SchemaLog.key(removed), null)).contains(removed);
  }

  @Test
  void skipsRecordsItDoesNotWriteInsteadOfFailingTheReplay() {
    assertThat(SchemaLog.decode("{\"keytype\":\"NOOP\",\"magic\":0}", null)).isEmpty();
    assertThat(SchemaLog.decode("not json", "{}")).isEmpty();
    assertThat(
            SchemaLog.decode(
                "{\"keytype\":\"SCHEMA\",\"subject\":\"s\",\"version\":1,\"magic\":1}",
                "{\"subject\":\"s\",\"version\":1,\"id\":1,\"schema\":\"\\\"int\\\"\",\"deleted\":true}"))
        .isEmpty();
    assertThat(
            SchemaLog.decode(
                "{\"keytype\":\"SCHEMA\",\"subject\":\"p\",\"version\":1,\"magic\":1}",
                "{\"subject\":\"p\",\"version\":1,\"id\":2,\"schemaType\":\"PROTOBUF\",\"schema\":\"syntax = \\\"proto3\\\";\"}"))
        .isEmpty();
  }
}

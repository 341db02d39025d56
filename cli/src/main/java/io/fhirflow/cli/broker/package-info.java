/**
 * How a command reaches Kafka: the broker and the client properties the user passes through. The
 * commands (top package) and {@code tenant add} use it; it uses none of them, so the packages form
 * no cycle.
 */
package io.fhirflow.cli.broker;

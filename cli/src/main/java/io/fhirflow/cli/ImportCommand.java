package io.fhirflow.cli;

import picocli.CommandLine.Command;

/** {@code fhirflow import <format> ...}: one subcommand per export format. */
@Command(
    name = "import",
    description = "Import a health data export into the raw-sample topic.",
    subcommands = AppleHealthImportCommand.class,
    mixinStandardHelpOptions = true)
final class ImportCommand {}

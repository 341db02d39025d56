package io.fhirflow.cli.view;

import picocli.CommandLine.Command;

/** {@code fhirflow view <action>}: SQL on FHIR ViewDefinitions outside the API. */
@Command(
    name = "view",
    description = "SQL on FHIR ViewDefinitions over the store, in PostgreSQL itself.",
    subcommands = MaterializeCommand.class,
    mixinStandardHelpOptions = true)
public final class ViewCommand {}

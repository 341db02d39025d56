package io.fhirflow.cli.tenant;

import picocli.CommandLine.Command;

/** {@code fhirflow tenant ...}: tenants of one deployment (docs/tenants.md). */
@Command(
    name = "tenant",
    mixinStandardHelpOptions = true,
    description = "Manage tenants: organisations whose data never mixes (docs/tenants.md).",
    subcommands = TenantAddCommand.class)
public final class TenantCommand {}

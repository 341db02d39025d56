package io.fhirflow.cli;

import io.fhirflow.cli.tenant.TenantCommand;
import io.fhirflow.cli.view.ViewCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code fhirflow} command. */
@Command(
    name = "fhirflow",
    mixinStandardHelpOptions = true,
    version = "fhirflow 0.1.0",
    description =
        "Feed fhirflow: import health exports or simulate HealthKit and Health Connect traffic; materialise SQL on FHIR views; erase a person; add a tenant.",
    subcommands = {
      ImportCommand.class,
      SimulateCommand.class,
      ViewCommand.class,
      EraseCommand.class,
      TenantCommand.class
    })
public final class Main {

  public static void main(String[] args) {
    System.exit(run(args));
  }

  /** Runs a command line and returns its exit code (tests call this instead of main). */
  public static int run(String... args) {
    return new CommandLine(new Main()).execute(args);
  }
}

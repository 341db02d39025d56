package io.fhirflow.testkit;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The arguments of {@code fhirflow tenant add NAME} run as the admin of a secured {@link
 * KafkaBroker}: the tenant isolation test and the fairness benchmark create their tenants as an
 * operator would, through the command, and read the gateway's settings back from the credential
 * file ({@link KafkaBroker#gatewayClient}).
 */
public final class TenantAddArguments {

  private TenantAddArguments() {}

  /**
   * @param options further options of the command, e.g. {@code --producer-byte-rate 1000}
   */
  public static String[] asAdmin(
      KafkaBroker broker, String tenant, Path credentialFile, List<String> options) {
    List<String> args =
        new ArrayList<>(
            List.of(
                "tenant",
                "add",
                tenant,
                "--bootstrap-servers",
                broker.bootstrapServers(),
                "--credential-file",
                credentialFile.toString()));
    args.addAll(options);
    args.addAll(KafkaBroker.adminSaslOptions());
    return args.toArray(String[]::new);
  }
}

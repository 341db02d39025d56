package io.fhirflow.api.devtoken;

import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jwt.JWTClaimsSet;
import io.fhirflow.api.security.JwtVerifier;
import io.fhirflow.contracts.Tenants;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Development only: keeps a P-256 signing key and its public JWKS in a directory and prints a
 * short-lived bearer token on stdout, so that {@code bin/run-local} can start the API with {@code
 * api.auth.jwks=<dir>/jwks.json} and show a working curl. The private key stays in the local work
 * directory; production tokens come from a real authorization server.
 */
@Command(
    name = "dev-token",
    mixinStandardHelpOptions = true,
    description =
        "Create (or reuse) a dev signing key + JWKS and print a short-lived SMART bearer token.")
public final class DevTokenCommand implements Callable<Integer> {

  @Option(
      names = "--dir",
      defaultValue = ".work/fhir-api",
      description = "Where dev-signing-key.json and jwks.json live (default ${DEFAULT-VALUE}).")
  Path dir;

  @Option(
      names = "--patient",
      description = "Patient id the token is confined to (omit for a system token).")
  String patient;

  @Option(
      names = "--tenant",
      description = "Tenant claim: the only tenant the token reads (omit for the default tenant).")
  String tenant;

  @Option(
      names = "--scope",
      defaultValue = "patient/*.rs",
      description = "Space-separated SMART scopes (default ${DEFAULT-VALUE}).")
  String scope;

  @Option(
      names = "--ttl",
      defaultValue = "PT1H",
      description = "Lifetime as ISO-8601 duration (default ${DEFAULT-VALUE}).")
  Duration ttl;

  @Option(
      names = "--issuer",
      defaultValue = "https://fhirflow.local/dev-issuer",
      description = "iss claim (default ${DEFAULT-VALUE}).")
  String issuer;

  @Option(
      names = "--audience",
      defaultValue = "fhirflow-api",
      description = "aud claim (default ${DEFAULT-VALUE}).")
  String audience;

  @Option(
      names = "--subject",
      defaultValue = "dev-user",
      description = "sub claim (default ${DEFAULT-VALUE}).")
  String subject;

  public static void main(String[] args) {
    System.exit(new CommandLine(new DevTokenCommand()).execute(args));
  }

  @Override
  public Integer call() throws Exception {
    Files.createDirectories(dir);
    Path keyFile = dir.resolve("dev-signing-key.json");
    TokenMinter minter;
    if (Files.exists(keyFile)) {
      minter = new TokenMinter(ECKey.parse(Files.readString(keyFile)));
    } else {
      minter = TokenMinter.generate();
      Files.writeString(keyFile, minter.privateKey().toJSONString(), StandardCharsets.UTF_8);
      try {
        Files.setPosixFilePermissions(
            keyFile, Set.copyOf(PosixFilePermissions.fromString("rw-------")));
      } catch (UnsupportedOperationException e) {
        // Non-POSIX file system: the directory's own permissions protect the dev key.
      }
    }
    Files.writeString(
        dir.resolve("jwks.json"), minter.publicJwks().toString(), StandardCharsets.UTF_8);
    JWTClaimsSet.Builder claims =
        minter.claims(issuer, audience, subject, scope, Instant.now(), ttl);
    if (patient != null && !patient.isBlank()) {
      claims.claim(JwtVerifier.PATIENT_CLAIM, patient);
    }
    if (tenant != null) {
      claims.claim(Tenants.TOKEN_CLAIM, tenant);
    }
    System.out.println(minter.sign(claims.build()));
    return 0;
  }
}

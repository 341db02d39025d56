package io.fhirflow.api;

/** Prints the configuration reference of docs/fhir-api.md from {@link ApiConfig#KEYS}, so it is never written twice. */
public final class ConfigReference {

  private ConfigReference() {}

  public static void main(String[] args) {
    System.out.print(markdown());
  }

  public static String markdown() {
    StringBuilder sb = new StringBuilder("| key | environment | default | description |\n|---|---|---|---|\n");
    for (ApiConfig.Key k : ApiConfig.KEYS) {
      sb.append("| `").append(k.name()).append("` | `").append(k.envName()).append("` | ")
          .append(k.defaultValue().isEmpty() ? "" : "`" + k.defaultValue() + "`").append(" | ")
          .append(k.doc().replace("|", "\\|")).append(k.secret() ? " (secret)" : "").append(" |\n");
    }
    return sb.toString();
  }
}

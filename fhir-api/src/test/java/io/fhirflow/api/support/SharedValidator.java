package io.fhirflow.api.support;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.context.support.DefaultProfileValidationSupport;
import ca.uhn.fhir.validation.FhirValidator;
import ca.uhn.fhir.validation.ResultSeverityEnum;
import ca.uhn.fhir.validation.SingleValidationMessage;
import ca.uhn.fhir.validation.ValidationResult;
import java.util.List;
import org.hl7.fhir.common.hapi.validation.support.CommonCodeSystemsTerminologyService;
import org.hl7.fhir.common.hapi.validation.support.InMemoryTerminologyServerValidationSupport;
import org.hl7.fhir.common.hapi.validation.support.SnapshotGeneratingValidationSupport;
import org.hl7.fhir.common.hapi.validation.support.ValidationSupportChain;
import org.hl7.fhir.common.hapi.validation.validator.FhirInstanceValidator;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Bundle;

/** One HAPI validator per test JVM (its first use costs seconds; later ones tens of ms). */
public final class SharedValidator {

  private static final FhirContext CONTEXT = FhirContext.forR4Cached();
  private static volatile FhirValidator validator;
  private static final java.util.Set<String> VALID =
      java.util.concurrent.ConcurrentHashMap.newKeySet();

  private SharedValidator() {}

  private static FhirValidator get() {
    if (validator == null) {
      synchronized (SharedValidator.class) {
        if (validator == null) {
          ValidationSupportChain chain =
              new ValidationSupportChain(
                  new DefaultProfileValidationSupport(CONTEXT),
                  new CommonCodeSystemsTerminologyService(CONTEXT),
                  new InMemoryTerminologyServerValidationSupport(CONTEXT),
                  new SnapshotGeneratingValidationSupport(CONTEXT));
          validator =
              CONTEXT.newValidator().registerValidatorModule(new FhirInstanceValidator(chain));
        }
      }
    }
    return validator;
  }

  /** Asserts the JSON resource has no ERROR or FATAL validation message. */
  public static void assertValid(String json) {
    // Validation is deterministic: the same text (e.g. one row seen on several pages) is checked
    // once.
    if (!VALID.add(json)) {
      return;
    }
    ValidationResult result = get().validateWithResult(json);
    List<String> errors =
        result.getMessages().stream()
            .filter(
                m ->
                    m.getSeverity() == ResultSeverityEnum.ERROR
                        || m.getSeverity() == ResultSeverityEnum.FATAL)
            .map(SharedValidator::describe)
            .toList();
    if (!errors.isEmpty()) {
      VALID.remove(json);
    }
    assertThat(errors).as("validation errors").isEmpty();
  }

  /** Asserts the resource, as JSON, has no ERROR or FATAL validation message. */
  public static void assertValid(IBaseResource resource) {
    assertValid(CONTEXT.newJsonParser().encodeResourceToString(resource));
  }

  /** Asserts a search answer and each resource in it are valid. */
  public static void assertValidWithEntries(Bundle bundle) {
    assertValid(bundle);
    for (Bundle.BundleEntryComponent e : bundle.getEntry()) {
      assertValid(e.getResource());
    }
  }

  private static String describe(SingleValidationMessage m) {
    return m.getLocationString() + ": " + m.getMessage();
  }
}

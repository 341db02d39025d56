package io.fhirflow.mapping.testing;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.context.support.DefaultProfileValidationSupport;
import ca.uhn.fhir.validation.FhirValidator;
import ca.uhn.fhir.validation.ResultSeverityEnum;
import ca.uhn.fhir.validation.SingleValidationMessage;
import ca.uhn.fhir.validation.ValidationResult;
import java.util.List;
import org.hl7.fhir.common.hapi.validation.support.CommonCodeSystemsTerminologyService;
import org.hl7.fhir.common.hapi.validation.support.InMemoryTerminologyServerValidationSupport;
import org.hl7.fhir.common.hapi.validation.support.ValidationSupportChain;
import org.hl7.fhir.common.hapi.validation.validator.FhirInstanceValidator;

/**
 * HAPI's offline FHIR R4 validator (base spec + the R4 core profiles such as vital signs, in-memory
 * terminology, UCUM), built once per JVM because the first validation costs ~7 s. Thread-safe.
 * Other modules use it through the fhirflow-mapping test-jar: {@code
 * <dependency><groupId>io.fhirflow</groupId><artifactId>fhirflow-mapping</artifactId><type>test-jar</type><scope>test</scope></dependency>}
 * plus hapi-fhir-validation, hapi-fhir-validation-resources-r4 and hapi-fhir-caching-caffeine in
 * test scope.
 */
public final class FhirResourceValidator {
  private static final FhirContext CONTEXT = FhirContext.forR4Cached();
  private static final FhirValidator VALIDATOR = create();

  private FhirResourceValidator() {}

  private static FhirValidator create() {
    ValidationSupportChain chain =
        new ValidationSupportChain(
            new DefaultProfileValidationSupport(CONTEXT),
            new InMemoryTerminologyServerValidationSupport(CONTEXT),
            new CommonCodeSystemsTerminologyService(CONTEXT));
    FhirInstanceValidator instanceValidator = new FhirInstanceValidator(chain);
    // References to other resources (Patient/..., Device/...) are checked for form, not fetched.
    instanceValidator.setAnyExtensionsAllowed(true);
    FhirValidator validator = CONTEXT.newValidator();
    validator.registerValidatorModule(instanceValidator);
    return validator;
  }

  /** The shared FHIR R4 context (for parsing in tests). */
  public static FhirContext context() {
    return CONTEXT;
  }

  /** Validates resource JSON; returns every message of severity error or fatal (empty = valid). */
  public static List<SingleValidationMessage> errors(String json) {
    ValidationResult result = VALIDATOR.validateWithResult(json);
    return result.getMessages().stream()
        .filter(
            m ->
                m.getSeverity() == ResultSeverityEnum.ERROR
                    || m.getSeverity() == ResultSeverityEnum.FATAL)
        .toList();
  }

  /** Every message of any severity, for diagnostics. */
  public static List<SingleValidationMessage> messages(String json) {
    return VALIDATOR.validateWithResult(json).getMessages();
  }

  /** Errors as one readable line each: location, message. */
  public static String describe(List<SingleValidationMessage> messages) {
    StringBuilder text = new StringBuilder();
    for (SingleValidationMessage message : messages) {
      text.append(message.getSeverity())
          .append(' ')
          .append(message.getLocationString())
          .append(": ")
          .append(message.getMessage())
          .append('\n');
    }
    return text.toString();
  }
}

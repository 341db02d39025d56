package io.fhirflow.contracts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.Random;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The loop accepts exactly what the rule's regular expression accepts. */
class FhirIdTest {

  @Test
  void theLoopAgreesWithTheRegularExpression() {
    Pattern rule = Pattern.compile(FhirId.REGEX);
    Random random = new Random(13);
    String alphabet = "aZ09-._/ é\u0000Q";
    for (int i = 0; i < 20_000; i++) {
      StringBuilder id = new StringBuilder();
      int length = random.nextInt(70);
      for (int k = 0; k < length; k++) {
        id.append(alphabet.charAt(random.nextInt(alphabet.length())));
      }
      String text = id.toString();
      assertEquals(rule.matcher(text).matches(), FhirId.isValid(text), text);
    }
    assertFalse(FhirId.isValid(null));
    assertEquals(true, FhirId.isValid("a".repeat(64)));
    assertFalse(FhirId.isValid("a".repeat(65)));
  }
}

package io.fhirflow.api.fhir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fhirflow.api.store.PageKey;
import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class PageCursorTest {

  private final PageCursor cursors =
      new PageCursor("0123456789abcdef0123".getBytes(StandardCharsets.UTF_8));
  private final PageKey key =
      new PageKey(OffsetDateTime.parse("2026-11-20T10:00:00.123456Z"), "obs-1");

  @Test
  void roundTripsThePositionToTheMicrosecond() {
    String c = cursors.encode(key, "Observation?patient=p1", Optional.of("p1"));
    PageKey back = cursors.decode(c, "Observation?patient=p1", Optional.of("p1"));
    assertThat(back.effectiveStart().toInstant()).isEqualTo(key.effectiveStart().toInstant());
    assertThat(back.id()).isEqualTo("obs-1");
  }

  @Test
  void keepsANullEffectiveTime() {
    PageKey nullStart = new PageKey(null, "obs-2");
    assertThat(
            cursors.decode(cursors.encode(nullStart, "q", Optional.empty()), "q", Optional.empty()))
        .isEqualTo(nullStart);
  }

  @Test
  void refusesACursorForAnotherQueryOrPatient() {
    String c = cursors.encode(key, "Observation?patient=p1", Optional.of("p1"));
    assertThatThrownBy(() -> cursors.decode(c, "Observation?patient=p2", Optional.of("p1")))
        .isInstanceOf(PageCursor.InvalidCursorException.class);
    assertThatThrownBy(() -> cursors.decode(c, "Observation?patient=p1", Optional.of("p2")))
        .isInstanceOf(PageCursor.InvalidCursorException.class);
    assertThatThrownBy(() -> cursors.decode(c, "Observation?patient=p1", Optional.empty()))
        .isInstanceOf(PageCursor.InvalidCursorException.class);
  }

  @Test
  void refusesForgedOrMangledCursors() {
    String c = cursors.encode(key, "q", Optional.empty());
    String forged =
        new PageCursor("another-secret-0123456".getBytes(StandardCharsets.UTF_8))
            .encode(key, "q", Optional.empty());
    for (String bad :
        new String[] {forged, c.substring(1), "x", "", c.replace('.', '!'), "a.b.c"}) {
      assertThatThrownBy(() -> cursors.decode(bad, "q", Optional.empty()))
          .as(bad)
          .isInstanceOf(PageCursor.InvalidCursorException.class);
    }
  }
}

package io.fhirflow.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class BenchOptionsTest {

  @Test
  void givenOptionsWinAndTheRestTakeTheirDefault() {
    BenchOptions opt =
        BenchOptions.parse(
            new String[] {"--records=5", "--share", "0.25", "--replay=true", "stray", "--out=x"});
    assertThat(opt.integer("records", 1_000_000)).isEqualTo(5);
    assertThat(opt.decimal("share", 0)).isEqualTo(0.25);
    assertThat(opt.bool("replay", false)).isTrue();
    assertThat(opt.text("out", "target")).isEqualTo("x");
    assertThat(opt.integer("tasks", 2)).isEqualTo(2);
    assertThat(opt.bool("restart-postgres", false)).isFalse();
    assertThat(opt.has("tasks")).isFalse();
    assertThat(opt.get("tasks")).isNull();
  }

  @Test
  void aValueThatDoesNotParseFailsTheRun() {
    BenchOptions opt = BenchOptions.parse(new String[] {"--records=many"});
    assertThatThrownBy(() -> opt.integer("records", 1)).isInstanceOf(NumberFormatException.class);
  }

  @Test
  void theProbesFlagsOverrideTheirDefaultsAndABareFlagIsTrue() {
    assertThat(
            BenchOptions.flags(
                new String[] {"--rate=50", "--api", "--out=a=b"}, "rate=1000,seconds=60"))
        .containsExactlyInAnyOrderEntriesOf(
            java.util.Map.of("rate", "50", "seconds", "60", "api", "true", "out", "a=b"));
  }
}

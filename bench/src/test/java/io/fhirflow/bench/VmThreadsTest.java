package io.fhirflow.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

class VmThreadsTest {

  @Test
  void namesTheJitsCompilersAndTheGcsWorkers() {
    assertThat(VmThreads.group("101 C2 CompilerThre")).isEqualTo(VmThreads.COMPILER);
    assertThat(VmThreads.group("102 C1 CompilerThre")).isEqualTo(VmThreads.COMPILER);
    assertThat(VmThreads.group("103 GC Thread#1")).isEqualTo(VmThreads.GC);
    assertThat(VmThreads.group("104 G1 Conc#0")).isEqualTo(VmThreads.GC);
    assertThat(VmThreads.group("105 VM Thread")).isNull();
    assertThat(VmThreads.group("106 kafka-producer")).isNull();
  }

  @Test
  void readsThisJvmsCompilerThreadsOnLinux() {
    assumeTrue(Files.isDirectory(Path.of("/proc/self/task")));
    Map<String, Long> tasks = VmThreads.cpuNanosByTask();
    // HotSpot runs its compilers from start-up unless -Xint: a JVM running tests has compiled.
    assertThat(tasks.keySet()).anyMatch(k -> VmThreads.COMPILER.equals(VmThreads.group(k)));
    assertThat(tasks.values()).allMatch(nanos -> nanos >= 0);
  }

  @Test
  void theGroupsStillAddUpToTheProcessWithTheVmThreadsSplitOut() {
    ThreadCpu cpu = ThreadCpu.start();
    long sink = 0;
    for (int i = 0; i < 50_000_000; i++) {
      sink += Integer.toString(i).hashCode();
    }
    Map<String, Double> groups = cpu.microsPerSample(1);
    assertThat(sink).isNotZero();
    assertThat(groups)
        .containsKey(ThreadCpu.VM)
        .doesNotContainKey("JIT, GC, VM and exited threads");
    assertThat(groups.values()).allMatch(us -> us >= 0);
    assertThat(ThreadCpu.total(groups)).isPositive();
  }
}

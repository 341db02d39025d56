package io.fhirflow.bench;

import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The run plan the module's JMH benchmarks share: 3 warm-up and 5 measured iterations of 2 s each,
 * in one fork. JMH's class annotations are inherited, so a benchmark extends this and states only
 * what is its own (state scope, mode, time unit, and an iteration time where it differs).
 */
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public abstract class JmhRunPlan {}

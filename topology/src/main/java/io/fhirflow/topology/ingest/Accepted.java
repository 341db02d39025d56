package io.fhirflow.topology.ingest;

import io.fhirflow.topology.dedupe.SeenVersion;
import io.fhirflow.topology.metrics.DayContribution;
import java.util.List;
import org.apache.kafka.common.utils.Bytes;

/**
 * A sample that passed dedupe: the first version of its id inside retention, or a newer one.
 *
 * @param identity the dedupe store key
 * @param version the version to remember once mapping succeeded
 * @param amended true for a newer version of a known sample (FHIR status amended)
 * @param priorContributions what the previous version added to day aggregates, to take back out
 */
public record Accepted(
    Inbound inbound,
    Bytes identity,
    SeenVersion version,
    boolean amended,
    List<DayContribution> priorContributions) {}

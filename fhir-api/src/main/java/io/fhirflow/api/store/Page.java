package io.fhirflow.api.store;

import java.util.List;
import java.util.Optional;

/** One page of a search and, when more rows follow, the key to continue after. */
public record Page(List<StoredResource> rows, Optional<PageKey> next) {}

package io.fhirflow.api.audit;

import io.fhirflow.api.security.AccessToken;
import java.time.Instant;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.Optional;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * What one request did, collected while it runs and published as an AuditEvent when it ends. Holds
 * parameter names only, never their values: a value can be a patient id, a date or a code someone
 * asked about.
 */
public final class AuditRecord {

  /** Servlet request attribute under which the current record lives. */
  public static final String ATTRIBUTE = "io.fhirflow.api.audit";

  private final String requestId;
  private final Instant started;
  private final String clientAddress;
  private final SortedSet<String> parameterNames = new TreeSet<>();
  private final SortedSet<String> returnedPatients = new TreeSet<>();
  private AccessToken token;
  private String patient;
  private String interaction = "unknown";
  private String resourceType;
  private String resourceId;
  private int status;
  private boolean parameterNamesRead;

  public AuditRecord(String requestId, Instant started, String clientAddress) {
    this.requestId = requestId;
    this.started = started;
    this.clientAddress = clientAddress;
  }

  public String requestId() {
    return requestId;
  }

  public Instant started() {
    return started;
  }

  public String clientAddress() {
    return clientAddress;
  }

  public Optional<AccessToken> token() {
    return Optional.ofNullable(token);
  }

  public void token(AccessToken t) {
    this.token = t;
    t.confinedTo().ifPresent(this::patient);
  }

  public Optional<String> patient() {
    return Optional.ofNullable(patient);
  }

  /** The patient whose data the request touched; a confined token's patient always wins. */
  public void patient(String p) {
    if (token == null || token.confinedTo().isEmpty() || token.confinedTo().get().equals(p)) {
      this.patient = p;
    }
  }

  /**
   * A patient whose data the response holds, for a request not confined to one patient (a search by
   * identifier, say).
   */
  public void returnedPatient(String p) {
    returnedPatients.add(p);
  }

  /**
   * Every patient the request touched: the one it was about (or confined to) first, then those
   * whose data it returned.
   */
  public Set<String> patients() {
    Set<String> all = new LinkedHashSet<>();
    patient().ifPresent(all::add);
    all.addAll(returnedPatients);
    return all;
  }

  public String interaction() {
    return interaction;
  }

  /** FHIR restful-interaction code (read, search-type, operation, capabilities) or "metrics". */
  public void interaction(String code, String type, String id) {
    this.interaction = code;
    this.resourceType = type;
    this.resourceId = id;
  }

  public Optional<String> resourceType() {
    return Optional.ofNullable(resourceType);
  }

  public Optional<String> resourceId() {
    return Optional.ofNullable(resourceId);
  }

  public SortedSet<String> parameterNames() {
    return parameterNames;
  }

  /**
   * The request's parameter names as a handler that parsed its query string found them, so that
   * {@link AuditFilter} does not have the container parse the query string a second time (about 5 %
   * of the benchmark search's CPU, BENCHMARKS.md "FHIR API"). Only for a request whose every
   * parameter is in its query string.
   */
  public void parameterNamesRead(Collection<String> names) {
    parameterNames.addAll(names);
    parameterNamesRead = true;
  }

  /** Whether a handler already recorded the parameter names ({@link #parameterNamesRead}). */
  public boolean parameterNamesRead() {
    return parameterNamesRead;
  }

  public int status() {
    return status;
  }

  public void status(int s) {
    this.status = s;
  }
}

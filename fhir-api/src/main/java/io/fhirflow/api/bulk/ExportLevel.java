package io.fhirflow.api.bulk;

/** The three kick-off endpoints of the Bulk Data Access IG that this store can answer. */
public enum ExportLevel {
  /** {@code [base]/$export}: every stored resource. */
  SYSTEM,
  /** {@code [base]/Patient/$export}: the patient compartments of all patients. */
  ALL_PATIENTS,
  /** {@code [base]/Patient/[id]/$export}: one patient's compartment. */
  ONE_PATIENT
}

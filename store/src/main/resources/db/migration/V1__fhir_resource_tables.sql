-- fhirflow sink schema, version 1. Tables are created in the connection's current schema
-- (Flyway's default schema), so a deployment picks the schema through the JDBC URL/currentSchema.
-- Contract: TEAM.md "PostgreSQL". Newer wins on (version_id, last_updated); equal is a no-op.

CREATE TABLE fhir_observation (
    id              text        PRIMARY KEY,         -- logical id (no "Observation/" prefix)
    patient_id      text        NOT NULL,            -- logical id from subject.reference "Patient/<id>" (no prefix), = fhir_patient.id
    code            text        NOT NULL,            -- primary coding as "system|code"
    codes           text[]      NOT NULL,            -- every coding as "system|code"
    category        text[],                          -- every category coding as "system|code"
    effective_start timestamptz,                     -- effectiveDateTime, or effectivePeriod.start
    effective_end   timestamptz,                     -- effectivePeriod.end (= start for instants)
    last_updated    timestamptz NOT NULL,            -- meta.lastUpdated
    version_id      bigint      NOT NULL,            -- meta.versionId (source record version)
    resource        jsonb       NOT NULL,
    written_at      timestamptz NOT NULL DEFAULT now()
);

-- "A patient's recent values of a code": equality on (patient_id, code), newest first.
CREATE INDEX fhir_observation_patient_code_time_idx
    ON fhir_observation (patient_id, code, effective_start DESC);
-- Search by any coding (e.g. the platform's own code, or a LOINC code that is not the primary one).
CREATE INDEX fhir_observation_codes_gin_idx ON fhir_observation USING gin (codes);

CREATE TABLE fhir_patient (
    id           text        PRIMARY KEY,
    identifiers  text[],                             -- every identifier as "system|value"
    last_updated timestamptz NOT NULL,
    version_id   bigint      NOT NULL,
    resource     jsonb       NOT NULL,
    written_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX fhir_patient_identifiers_gin_idx ON fhir_patient USING gin (identifiers);

CREATE TABLE fhir_device (
    id           text        PRIMARY KEY,
    identifiers  text[],                             -- every identifier as "system|value"
    last_updated timestamptz NOT NULL,
    version_id   bigint      NOT NULL,
    resource     jsonb       NOT NULL,
    written_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX fhir_device_identifiers_gin_idx ON fhir_device USING gin (identifiers);

-- Deletions (docs/sink-connector.md "Deletions"): a deleted Observation's row is removed from
-- fhir_observation (so every search, $lastn and count is unchanged and cannot see it) and its id is
-- kept here, so that
--   * an older version arriving later (a replay, a late copy) cannot bring the row back: the
--     upsert skips ids in this register;
--   * the read API can answer 410 Gone for it instead of 404.
-- No resource content is kept: an id, its patient and when. Erasure of a patient deletes its rows.
CREATE TABLE fhir_observation_deleted (
    id          text        PRIMARY KEY,             -- logical id of the deleted Observation
    patient_id  text        NOT NULL,                -- its patient, as it was stored (ownership holds for deletions too)
    deleted_at  timestamptz NOT NULL DEFAULT now()   -- when the sink applied the deletion
);
CREATE INDEX fhir_observation_deleted_patient_idx ON fhir_observation_deleted (patient_id);

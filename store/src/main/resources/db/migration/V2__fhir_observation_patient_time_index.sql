-- "A patient's recent Observations matching any coding" (the read API's search: patient + codes @> ...,
-- newest first, keyset-paged on (effective_start, id)): walk the patient's rows in page order and stop at
-- the page end, instead of fetching and sorting all of the patient's rows. The sort order matches the
-- API's ORDER BY effective_start DESC NULLS FIRST, id DESC (NULLS FIRST is DESC's default).
CREATE INDEX IF NOT EXISTS fhir_observation_patient_time_idx
    ON fhir_observation (patient_id, effective_start DESC, id DESC);

-- The read API's token searches for one patient (code, category: OR lists and repeated parameters) on
-- an index that holds the patient AND the tokens, so PostgreSQL intersects the two inside one GIN scan
-- instead of reading every row of a code in the whole table (the V1 GIN on codes alone) or walking
-- all of a patient's rows to filter them (the V2 time index, when the tokens are rare or never occur
-- together). Replaces the V1 GIN: a GIN index also serves a condition on any one of its columns.
-- A text column in a GIN index needs the btree_gin extension (contrib; trusted since PostgreSQL 13,
-- so the database owner may create it). It is created once per database, in "public" when that
-- schema exists: dropping one sink schema must not drop it from under the others.
DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'btree_gin') THEN
        IF EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = 'public') THEN
            CREATE EXTENSION btree_gin SCHEMA public;
        ELSE
            CREATE EXTENSION btree_gin;
        END IF;
    END IF;
EXCEPTION WHEN duplicate_object OR unique_violation THEN
    -- Another migration created it at the same moment.
    NULL;
END
$$;

CREATE INDEX IF NOT EXISTS fhir_observation_patient_tokens_idx
    ON fhir_observation USING gin (patient_id, codes, category);
DROP INDEX IF EXISTS fhir_observation_codes_gin_idx;

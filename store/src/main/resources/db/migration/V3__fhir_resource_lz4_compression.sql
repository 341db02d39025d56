-- lz4 instead of pglz for the resources that cross the ~2 kB TOAST threshold (about a quarter of the
-- Observations as jsonb): pglz costs several times more CPU per compressed row. Metadata only (no
-- rewrite); applies to rows written from now on. A server built without lz4 keeps pglz.
-- Measured in BENCHMARKS.md ("Sink", where a row's PostgreSQL time goes).
DO $$
BEGIN
    ALTER TABLE fhir_observation ALTER COLUMN resource SET COMPRESSION lz4;
    ALTER TABLE fhir_patient     ALTER COLUMN resource SET COMPRESSION lz4;
    ALTER TABLE fhir_device      ALTER COLUMN resource SET COMPRESSION lz4;
EXCEPTION WHEN feature_not_supported OR invalid_parameter_value THEN
    RAISE NOTICE 'lz4 is not available in this PostgreSQL build: resources stay pglz-compressed';
END
$$;

-- Tenants (docs/tenants.md): every row names its tenant, and row-level security confines a session
-- to the tenant in its setting fhirflow.tenant, so a query that forgets the tenant returns nothing
-- instead of another tenant's rows.
--
-- Existing rows belong to the default tenant: ADD COLUMN with a constant default is a catalogue
-- change (no table rewrite, PostgreSQL 11+). The default stays for writers from before tenants; the
-- sink always names the tenant.
ALTER TABLE fhir_observation         ADD COLUMN tenant text NOT NULL DEFAULT 'default';
ALTER TABLE fhir_patient             ADD COLUMN tenant text NOT NULL DEFAULT 'default';
ALTER TABLE fhir_device              ADD COLUMN tenant text NOT NULL DEFAULT 'default';
ALTER TABLE fhir_observation_deleted ADD COLUMN tenant text NOT NULL DEFAULT 'default';

-- current_setting(..., true) is NULL when the session never set it, and NULL = tenant is never
-- true: no setting, no rows. Readers set it per transaction: SELECT set_config('fhirflow.tenant',
-- <tenant>, true). The policy applies to every role but the tables' owner (the sink, which runs
-- these migrations and writes every tenant's rows, guarded by its upsert's t.tenant =
-- excluded.tenant), superusers and BYPASSRLS roles: the read API must connect as a role that is
-- none of these (docs/tenants.md, "Store").
ALTER TABLE fhir_observation         ENABLE ROW LEVEL SECURITY;
ALTER TABLE fhir_patient             ENABLE ROW LEVEL SECURITY;
ALTER TABLE fhir_device              ENABLE ROW LEVEL SECURITY;
ALTER TABLE fhir_observation_deleted ENABLE ROW LEVEL SECURITY;

CREATE POLICY fhirflow_tenant ON fhir_observation
    USING (tenant = current_setting('fhirflow.tenant', true));
CREATE POLICY fhirflow_tenant ON fhir_patient
    USING (tenant = current_setting('fhirflow.tenant', true));
CREATE POLICY fhirflow_tenant ON fhir_device
    USING (tenant = current_setting('fhirflow.tenant', true));
CREATE POLICY fhirflow_tenant ON fhir_observation_deleted
    USING (tenant = current_setting('fhirflow.tenant', true));

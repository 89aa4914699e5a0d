-- The contact's primary key becomes (tenant_id, id), and the separate (tenant_id, id) index goes: every
-- query reaches a contact by tenant and id (or lists a tenant's contacts by id), so one index serves both,
-- and an import writes three indexes per new contact instead of four (see docs/performance.md).
-- ${dropContactKey} is DROP CONSTRAINT contact_pkey on PostgreSQL and DROP PRIMARY KEY on H2.
ALTER TABLE contact ${dropContactKey};
ALTER TABLE contact ADD CONSTRAINT contact_pkey PRIMARY KEY (tenant_id, id);
DROP INDEX contact_tenant_id;

-- Every tenant gets a small number, and a contact's phone and email are unique per tenant through it rather than
-- through the tenant's 30-character id: each entry of those two indexes shrinks by 27 bytes, and an import, whose
-- work is mostly inserting random keys into them, costs PostgreSQL about a CPU-second less per million rows
-- (docs/performance.md). contact.tenant_num is always the number of contact.tenant_id's tenant: every writer of
-- contact sets both (there is no foreign key on contact, see V2).
ALTER TABLE tenant ADD COLUMN num INTEGER GENERATED ALWAYS AS IDENTITY;
ALTER TABLE tenant ADD CONSTRAINT tenant_num_unique UNIQUE (num);
ALTER TABLE contact ADD COLUMN tenant_num INTEGER;
UPDATE contact SET tenant_num = (SELECT t.num FROM tenant t WHERE t.id = contact.tenant_id);
ALTER TABLE contact ALTER COLUMN tenant_num SET NOT NULL;
DROP INDEX contact_phone_tenant;
DROP INDEX contact_email_tenant;
CREATE UNIQUE INDEX contact_phone_tenant ON contact (phone, tenant_num);
CREATE UNIQUE INDEX contact_email_tenant ON contact (email, tenant_num);

-- A list member is found by its list (the primary key, list_id first) and no longer by contact alone: the
-- (contact_id) index cost an import about a quarter of its list_member writes (see docs/performance.md).
-- A contact's memberships are read through its tenant's lists, one primary-key probe per list
-- (ContactStore.delete, ContactStore.listIds).
DROP INDEX list_member_contact;

-- Launch cost (SPEC §7: 1,000,000 recipients in under 15 s): every index a campaign's expansion writes per row
-- is work per recipient, so the two that hold nothing useful for a fresh row leave it out on PostgreSQL.
-- ${partialProviderRef} and ${partialWindowQueued} are WHERE clauses there and empty on H2 (no partial indexes);
-- see Dialect.migrationPlaceholders().

-- Receipts look a message up by the provider's id for it, which is NULL until the provider accepted the
-- message: a lookup binds a value (provider_message_id = ?), which implies IS NOT NULL, so it uses this index.
DROP INDEX message_provider_ref;
CREATE INDEX message_provider_ref ON message (provider_id, provider_message_id) ${partialProviderRef};

-- The window sweep looks for queued rows whose window closed (window_closes_at <= ?): rows of a campaign
-- without a send window have no closing time and never match.
DROP INDEX message_window;
CREATE INDEX message_window ON message (window_closes_at) ${partialWindowQueued};

-- The reference from message to tenant is checked per inserted row (a trigger and a keyed lookup of the tenant):
-- 3.4 µs of PostgreSQL CPU per row, a third of what COPY costs for a campaign row. A message's tenant_id is always
-- the tenant of the caller or of the campaign that made it, and tenants are never deleted, so on PostgreSQL the
-- check is dropped; H2 (embedded, small) keeps it, its constraint name being generated, and the placeholder
-- there is a harmless comment.
${dropMessageTenantReference};

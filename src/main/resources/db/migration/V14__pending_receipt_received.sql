-- The receipt sweep reads only the last hour's waiting receipts (as it does engagement events, V13): a provider account
-- shared with other systems also reports on messages Parley never sent, and those wait here for 7 days.
CREATE INDEX pending_receipt_received ON pending_receipt (received_at);

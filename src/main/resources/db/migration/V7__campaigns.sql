-- Campaigns (SPEC §5): the definition, the expansion cursor, progress counters and send windows on the ledger.
-- See docs/campaigns.md. ${partialQueued} is a WHERE clause on PostgreSQL and empty on H2.

ALTER TABLE campaign ADD COLUMN channel VARCHAR(16) NOT NULL DEFAULT 'sms';
ALTER TABLE campaign ADD COLUMN guarantee VARCHAR(16) NOT NULL DEFAULT 'atMostOnce';
ALTER TABLE campaign ADD COLUMN rate_per_second DOUBLE PRECISION;
-- Audience, content or template, sender, send window, validity, tags and consent policy, as JSON.
ALTER TABLE campaign ADD COLUMN definition_json VARCHAR(1000000) NOT NULL DEFAULT '{}';
ALTER TABLE campaign ADD COLUMN start_at TIMESTAMP WITH TIME ZONE;
ALTER TABLE campaign ADD COLUMN started_at TIMESTAMP WITH TIME ZONE;
ALTER TABLE campaign ADD COLUMN completed_at TIMESTAMP WITH TIME ZONE;
-- Expansion: the last contact id written to the ledger, committed with each chunk; expanded once done.
ALTER TABLE campaign ADD COLUMN expanded_through VARCHAR(40);
ALTER TABLE campaign ADD COLUMN expanded BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE campaign ADD COLUMN audience_estimate BIGINT;
-- The cost of messages providers accepted, refreshed in the background (never computed per request).
ALTER TABLE campaign ADD COLUMN cost_actual NUMERIC(18, 6);
ALTER TABLE campaign ADD COLUMN cost_checked_at TIMESTAMP WITH TIME ZONE;
ALTER TABLE campaign ADD COLUMN created_by VARCHAR(40);
CREATE INDEX campaign_status ON campaign (status);

-- Progress: deltas added in the transaction of every status change of a campaign's message, spread over
-- shards so concurrent writers rarely meet on one row; progress is the sum over a few dozen rows.
-- status is a message status, an engagement (opened, clicked, replied, optedOut) or '$cost' (n in millionths).
CREATE TABLE campaign_counter (
    campaign_id  VARCHAR(40) NOT NULL,
    variant      VARCHAR(40) NOT NULL,
    step         INTEGER     NOT NULL,
    shard        SMALLINT    NOT NULL,
    status       VARCHAR(16) NOT NULL,
    n            BIGINT      NOT NULL,
    PRIMARY KEY (campaign_id, variant, step, shard, status)
);

-- Messages providers accepted per campaign per 10 s, for the last minute's rate.
CREATE TABLE campaign_pace (
    campaign_id  VARCHAR(40) NOT NULL,
    bucket       TIMESTAMP WITH TIME ZONE NOT NULL,
    n            BIGINT      NOT NULL,
    PRIMARY KEY (campaign_id, bucket)
);

-- A send window on the ledger: a row that became due inside an opening of its campaign's window carries the
-- opening's end and the recipient's zone; it is not claimed after that end, and is scheduled for its next opening.
ALTER TABLE message ADD COLUMN window_closes_at TIMESTAMP WITH TIME ZONE;
ALTER TABLE message ADD COLUMN window_zone VARCHAR(64);
CREATE INDEX message_window ON message (window_closes_at) ${partialQueued};

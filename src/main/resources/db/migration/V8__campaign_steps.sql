-- Sequences (SPEC §5, docs/campaigns.md): per recipient, what became of each follow-up step of a campaign.
-- A row is written, once, when the step falls due for the contact (its previous step's message settled and
-- the step's wait passed): 'created' (the step's message is in the ledger), 'skipped' (its condition did not
-- hold, or the contact has no address on the step's channel) or 'stopped' (the contact replied and the step
-- stops on a reply). The primary key makes the decision idempotent, as (campaign_id, contact_id, step) does
-- for the messages themselves.
CREATE TABLE campaign_step_state (
    campaign_id  VARCHAR(40) NOT NULL,
    contact_id   VARCHAR(40) NOT NULL,
    step         INTEGER     NOT NULL,
    state        VARCHAR(16) NOT NULL CHECK (state IN ('created', 'skipped', 'stopped')),
    decided_at   TIMESTAMP WITH TIME ZONE NOT NULL,
    PRIMARY KEY (campaign_id, contact_id, step)
);

-- Routing (SPEC §3 "Providers and routing"), inbound messages and compliance replies (issue: channels and providers).

-- Per tenant and channel: whether a recipient keeps the provider (and so the sender) that first reached them.
CREATE TABLE routing (
    tenant_id      VARCHAR(40) NOT NULL REFERENCES tenant (id),
    channel        VARCHAR(16) NOT NULL CHECK (channel IN ('sms', 'email')),
    sticky_sender  BOOLEAN     NOT NULL DEFAULT FALSE,
    updated_at     TIMESTAMP WITH TIME ZONE NOT NULL,
    PRIMARY KEY (tenant_id, channel)
);

-- The price list: a destination prefix ('' matches every address), the provider that serves it, its price
-- per message (per segment for SMS) and a priority that breaks ties (lower first).
CREATE TABLE route_rule (
    tenant_id    VARCHAR(40)    NOT NULL,
    channel      VARCHAR(16)    NOT NULL,
    position     INTEGER        NOT NULL,
    prefix       VARCHAR(16)    NOT NULL,
    provider_id  VARCHAR(40)    NOT NULL,
    price        NUMERIC(14, 6) NOT NULL,
    currency     VARCHAR(3)     NOT NULL,
    priority     INTEGER        NOT NULL,
    PRIMARY KEY (tenant_id, channel, position)
);

-- Sticky sender: the provider and sender that first reached a recipient (address hash, never the address).
CREATE TABLE sticky_sender (
    tenant_id     VARCHAR(40)  NOT NULL,
    channel       VARCHAR(16)  NOT NULL,
    address_hash  VARCHAR(64)  NOT NULL,
    provider_id   VARCHAR(40)  NOT NULL,
    from_address  VARCHAR(320),
    created_at    TIMESTAMP WITH TIME ZONE NOT NULL,
    PRIMARY KEY (tenant_id, channel, address_hash)
);

-- The providers a message may still fail over to, in order, comma-separated; NULL when there are none.
ALTER TABLE message ADD COLUMN fallbacks VARCHAR(400);
-- A compliance answer (STOP confirmation, HELP text): sent even though its address has just been suppressed.
ALTER TABLE message ADD COLUMN compliance BOOLEAN NOT NULL DEFAULT FALSE;

CREATE TABLE inbound_message (
    id                   VARCHAR(40)   PRIMARY KEY,
    tenant_id            VARCHAR(40)   NOT NULL REFERENCES tenant (id),
    channel              VARCHAR(16)   NOT NULL CHECK (channel IN ('sms', 'email')),
    provider_id          VARCHAR(40)   NOT NULL,
    provider_message_id  VARCHAR(200),
    contact_id           VARCHAR(40),
    from_address         VARCHAR(320)  NOT NULL,
    to_address           VARCHAR(320),
    body_text            VARCHAR(10000),
    keyword              VARCHAR(16),
    received_at          TIMESTAMP WITH TIME ZONE NOT NULL
);
CREATE UNIQUE INDEX inbound_provider_ref ON inbound_message (provider_id, provider_message_id);
CREATE INDEX inbound_tenant ON inbound_message (tenant_id, id);
CREATE INDEX inbound_contact ON inbound_message (tenant_id, contact_id, id);

-- Contacts, lists, consent, suppressions and imports. Written once for H2 (PostgreSQL mode) and PostgreSQL.
-- Attributes are JSON text in a VARCHAR column (see docs/contacts.md for how they are searched).
-- The tables an import fills by the million (contact, list_member, consent_event, import_reject) carry no
-- foreign keys: PostgreSQL checks each one with a per-row trigger, which would cost more than the row
-- itself. The code that deletes a contact, list or import deletes its dependents in the same transaction.

CREATE TABLE contact (
    id                  VARCHAR(40)  PRIMARY KEY,
    tenant_id           VARCHAR(40)  NOT NULL,
    phone               VARCHAR(20),
    email               VARCHAR(320),
    first_name          VARCHAR(200),
    last_name           VARCHAR(200),
    timezone            VARCHAR(64),
    locale              VARCHAR(35),
    attributes_json     VARCHAR(20000) NOT NULL DEFAULT '{}',
    sms_consent         VARCHAR(16)  NOT NULL DEFAULT 'unknown' CHECK (sms_consent IN ('optedIn', 'unknown', 'optedOut')),
    sms_consent_source  VARCHAR(200),
    sms_consent_at      TIMESTAMP WITH TIME ZONE,
    email_consent        VARCHAR(16)  NOT NULL DEFAULT 'unknown' CHECK (email_consent IN ('optedIn', 'unknown', 'optedOut')),
    email_consent_source VARCHAR(200),
    email_consent_at     TIMESTAMP WITH TIME ZONE,
    created_at          TIMESTAMP WITH TIME ZONE NOT NULL,
    updated_at          TIMESTAMP WITH TIME ZONE NOT NULL,
    CONSTRAINT contact_has_address CHECK (phone IS NOT NULL OR email IS NOT NULL)
);
-- At most one contact per tenant per phone and per email (NULLs do not collide). The address leads the
-- index so that an import's "phone IN (…) AND tenant_id = ?" lookup is an index lookup on H2 as well.
CREATE UNIQUE INDEX contact_phone_tenant ON contact (phone, tenant_id);
CREATE UNIQUE INDEX contact_email_tenant ON contact (email, tenant_id);
CREATE INDEX contact_tenant_id ON contact (tenant_id, id);

CREATE TABLE contact_list (
    id           VARCHAR(40)  PRIMARY KEY,
    tenant_id    VARCHAR(40)  NOT NULL REFERENCES tenant (id),
    name         VARCHAR(200) NOT NULL,
    description  VARCHAR(1000),
    created_at   TIMESTAMP WITH TIME ZONE NOT NULL,
    updated_at   TIMESTAMP WITH TIME ZONE NOT NULL,
    CONSTRAINT contact_list_name_unique UNIQUE (tenant_id, name)
);
CREATE INDEX contact_list_tenant_id ON contact_list (tenant_id, id);

CREATE TABLE list_member (
    list_id     VARCHAR(40) NOT NULL,
    contact_id  VARCHAR(40) NOT NULL,
    tenant_id   VARCHAR(40) NOT NULL,
    added_at    TIMESTAMP WITH TIME ZONE NOT NULL,
    PRIMARY KEY (list_id, contact_id)
);
CREATE INDEX list_member_contact ON list_member (contact_id);

-- Every consent change, newest last; the contact row holds the current state per channel.
CREATE TABLE consent_event (
    id          VARCHAR(40)  PRIMARY KEY,
    tenant_id   VARCHAR(40)  NOT NULL,
    contact_id  VARCHAR(40)  NOT NULL,
    channel     VARCHAR(16)  NOT NULL CHECK (channel IN ('sms', 'email')),
    status      VARCHAR(16)  NOT NULL CHECK (status IN ('optedIn', 'unknown', 'optedOut')),
    source      VARCHAR(200) NOT NULL,
    actor_id    VARCHAR(40),
    at          TIMESTAMP WITH TIME ZONE NOT NULL
);
CREATE INDEX consent_event_contact ON consent_event (contact_id, id);

-- A suppressed address is never sent to on that channel. address_hash (SHA-256 of channel:address) is
-- what an erasure keeps; address is NULL once the person is erased.
CREATE TABLE suppression (
    id            VARCHAR(40)  PRIMARY KEY,
    tenant_id     VARCHAR(40)  NOT NULL REFERENCES tenant (id),
    channel       VARCHAR(16)  NOT NULL CHECK (channel IN ('sms', 'email')),
    address       VARCHAR(320),
    address_hash  VARCHAR(64)  NOT NULL,
    reason        VARCHAR(500),
    source        VARCHAR(40)  NOT NULL,
    created_at    TIMESTAMP WITH TIME ZONE NOT NULL,
    CONSTRAINT suppression_unique UNIQUE (tenant_id, channel, address_hash)
);
CREATE INDEX suppression_tenant_id ON suppression (tenant_id, id);

CREATE TABLE import_job (
    id                       VARCHAR(40)  PRIMARY KEY,
    tenant_id                VARCHAR(40)  NOT NULL REFERENCES tenant (id),
    status                   VARCHAR(16)  NOT NULL CHECK (status IN ('queued', 'running', 'completed', 'failed', 'canceled')),
    file_name                VARCHAR(300),
    file_bytes               BIGINT       NOT NULL,
    list_id                  VARCHAR(40),
    region                   VARCHAR(2),
    encoding                 VARCHAR(20)  NOT NULL,
    delimiter                VARCHAR(1)   NOT NULL,
    headers_json             VARCHAR(200000) NOT NULL,
    mapping_json             VARCHAR(200000) NOT NULL,
    policy                   VARCHAR(16)  NOT NULL CHECK (policy IN ('fillBlanks', 'overwrite')),
    unmapped_as_attributes   BOOLEAN      NOT NULL,
    consent_json             VARCHAR(1000) NOT NULL DEFAULT '{}',
    rows_total_estimate      BIGINT       NOT NULL DEFAULT 0,
    processed                BIGINT       NOT NULL DEFAULT 0,
    imported                 BIGINT       NOT NULL DEFAULT 0,
    updated                  BIGINT       NOT NULL DEFAULT 0,
    unchanged                BIGINT       NOT NULL DEFAULT 0,
    rejected                 BIGINT       NOT NULL DEFAULT 0,
    error                    VARCHAR(1000),
    cancel_requested         BOOLEAN      NOT NULL DEFAULT FALSE,
    created_by               VARCHAR(40),
    created_at               TIMESTAMP WITH TIME ZONE NOT NULL,
    started_at               TIMESTAMP WITH TIME ZONE,
    finished_at              TIMESTAMP WITH TIME ZONE,
    heartbeat_at             TIMESTAMP WITH TIME ZONE
);
CREATE INDEX import_job_tenant_id ON import_job (tenant_id, id);

-- Rejected lines of an import, each as the original record re-encoded as CSV, with its reason.
CREATE TABLE import_reject (
    import_id  VARCHAR(40)   NOT NULL,
    tenant_id  VARCHAR(40)   NOT NULL,
    line       BIGINT        NOT NULL,
    reason     VARCHAR(500)  NOT NULL,
    record     VARCHAR(200000),
    PRIMARY KEY (import_id, line)
);

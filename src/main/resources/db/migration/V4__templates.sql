-- Message templates. Written once for H2 (PostgreSQL mode) and PostgreSQL.
-- The text columns hold template source, checked for syntax when written (see docs/templates.md); the
-- limits match what POST /v1/messages accepts as content.

CREATE TABLE template (
    id          VARCHAR(40)   PRIMARY KEY,
    tenant_id   VARCHAR(40)   NOT NULL REFERENCES tenant (id),
    name        VARCHAR(200)  NOT NULL,
    channel     VARCHAR(16)   NOT NULL CHECK (channel IN ('sms', 'email')),
    subject     VARCHAR(998),
    body_text   VARCHAR(100000),
    body_html   VARCHAR(500000),
    created_at  TIMESTAMP WITH TIME ZONE NOT NULL,
    updated_at  TIMESTAMP WITH TIME ZONE NOT NULL,
    CONSTRAINT template_name_unique UNIQUE (tenant_id, name),
    CONSTRAINT template_sms_is_text CHECK (channel <> 'sms' OR (subject IS NULL AND body_html IS NULL AND body_text IS NOT NULL)),
    CONSTRAINT template_email_has_subject CHECK (channel <> 'email' OR (subject IS NOT NULL AND (body_text IS NOT NULL OR body_html IS NOT NULL)))
);
CREATE INDEX template_tenant_id ON template (tenant_id, id);

-- Engagement events (opened, clicked, progress, unsubscribed, spam reports) that arrived before their message's send
-- was settled, so that no message yet carried the provider's id. They used to be dropped, an unsubscribe with them.
-- Each node's receipt sweep (every second) applies those of the last hour whose message is now known (a send settles
-- within seconds of the provider's answer; events for messages Parley never sent, from a provider account shared with
-- other systems, must not make every sweep read days of them); after 7 days the rest go.
CREATE TABLE pending_engagement (
    id                   VARCHAR(40)  PRIMARY KEY,
    provider_id          VARCHAR(40)  NOT NULL,
    provider_message_id  VARCHAR(200) NOT NULL,
    kind                 VARCHAR(32)  NOT NULL,
    detail               VARCHAR(2000),
    received_at          TIMESTAMP WITH TIME ZONE NOT NULL
);
CREATE INDEX pending_engagement_received ON pending_engagement (received_at);

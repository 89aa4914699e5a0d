package dev.parley.delivery;

import com.fasterxml.jackson.core.type.TypeReference;
import dev.parley.core.Failure;
import dev.parley.core.Ids;
import dev.parley.core.Json;
import dev.parley.db.Dialect;
import dev.parley.db.TenantHandle;
import dev.parley.http.Pages;
import dev.parley.providers.Backoff;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The ledger as the API sees it: messages are committed here before anything is sent (the 202 of
 * {@code POST /v1/messages} means this transaction committed), read with their events, canceled while
 * waiting, and requeued on request.
 */
public final class Ledger {
    private static final TypeReference<List<String>> TAGS = new TypeReference<>() {};
    private static final TypeReference<Map<String, Object>> META = new TypeReference<>() {};

    private final Clock clock;
    private final Dialect dialect;

    public Ledger(Clock clock, Dialect dialect) {
        this.clock = clock;
        this.dialect = dialect;
    }

    /** The database's dialect, for components that write campaign rows and counters beside the ledger. */
    public Dialect dialect() {
        return dialect;
    }

    /**
     * A message to enqueue, validated by the caller.
     *
     * @param fallbacks  providers to fail over to after {@code providerId}, in order, or empty
     * @param compliance a STOP confirmation or HELP answer: sent even to a suppressed address
     * @param cost       the route's price for it (per segment × segments for SMS), or null without a price list
     */
    public record NewMessage(String channel, String to, String from, String subject, String text, String html,
                             Instant sendAt, Instant validUntil, Guarantee guarantee, int priority, String providerId,
                             String campaignId, String contactId, List<String> tags, Map<String, Object> metadata,
                             List<String> fallbacks, boolean compliance, java.math.BigDecimal cost) {
        public NewMessage(String channel, String to, String from, String subject, String text, String html,
                          Instant sendAt, Instant validUntil, Guarantee guarantee, int priority, String providerId,
                          String campaignId, String contactId, List<String> tags, Map<String, Object> metadata) {
            this(channel, to, from, subject, text, html, sendAt, validUntil, guarantee, priority, providerId, campaignId,
                    contactId, tags, metadata, List.of(), false, null);
        }

        String fallbackList() {
            return fallbacks == null || fallbacks.isEmpty() ? null : String.join(",", fallbacks);
        }
    }

    /** Commits the message and its first event in the caller's transaction. */
    public Message enqueue(TenantHandle h, NewMessage m) {
        Instant now = clock.instant();
        String id = Ids.next("msg", clock);
        boolean later = m.sendAt() != null && m.sendAt().isAfter(now);
        MessageStatus status = later ? MessageStatus.SCHEDULED : MessageStatus.QUEUED;
        Instant due = later ? m.sendAt() : now;
        h.update("""
                INSERT INTO message (id, tenant_id, campaign_id, contact_id, channel, to_address, from_address, subject,
                                     body_text, body_html, status, guarantee, priority, due_at, valid_until, attempt,
                                     max_attempts, provider_id, fallbacks, compliance, cost, tags_json, metadata_json,
                                     created_at, updated_at)
                VALUES (:id, :tenant, :campaign, :contact, :channel, :to, :from, :subject, :text, :html, :status,
                        :guarantee, :priority, :due, :validUntil, 0, :maxAttempts, :provider, :fallbacks, :compliance, :cost,
                        :tags, :meta, :now, :now)""")
                .bind("id", id).bind("campaign", m.campaignId()).bind("contact", m.contactId())
                .bind("channel", m.channel()).bind("to", m.to()).bind("from", m.from()).bind("subject", m.subject())
                .bind("text", m.text()).bind("html", m.html()).bind("status", status.wire())
                .bind("guarantee", m.guarantee().wire()).bind("priority", m.priority()).bind("due", due)
                .bind("validUntil", m.validUntil()).bind("maxAttempts", Backoff.DEFAULT_MAX_ATTEMPTS)
                .bind("provider", m.providerId()).bind("fallbacks", m.fallbackList()).bind("compliance", m.compliance()).bind("cost", m.cost())
                .bind("tags", m.tags() == null ? null : Json.write(m.tags()))
                .bind("meta", m.metadata() == null ? null : Json.write(m.metadata()))
                .bind("now", now).execute();
        Events.insert(h.raw(), dialect, List.of(new EventRow(id, h.tenantId(), now, "created", null, status.wire(), 0,
                m.providerId(), later ? "due at " + due : null, m.campaignId())));
        return get(h, id, false);
    }

    /**
     * Commits many messages of one tenant with two set-based statements (rows, then their events), for
     * bulk producers such as campaign expansion; returns their ids in order.
     */
    public List<String> enqueueMany(TenantHandle h, List<NewMessage> batch) {
        Instant now = clock.instant();
        int n = batch.size();
        String[] ids = new String[n];
        String[] channels = new String[n];
        String[] tos = new String[n];
        String[] froms = new String[n];
        String[] subjects = new String[n];
        String[] texts = new String[n];
        String[] statuses = new String[n];
        String[] guarantees = new String[n];
        Integer[] priorities = new Integer[n];
        java.sql.Timestamp[] dues = new java.sql.Timestamp[n];
        java.sql.Timestamp[] valids = new java.sql.Timestamp[n];
        String[] providers = new String[n];
        String[] campaigns = new String[n];
        String[] contacts = new String[n];
        String[] fallbacks = new String[n];
        List<EventRow> events = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            NewMessage m = batch.get(i);
            boolean later = m.sendAt() != null && m.sendAt().isAfter(now);
            ids[i] = Ids.next("msg", clock);
            channels[i] = m.channel();
            tos[i] = m.to();
            froms[i] = m.from();
            subjects[i] = m.subject();
            texts[i] = m.text();
            statuses[i] = later ? "scheduled" : "queued";
            guarantees[i] = m.guarantee().wire();
            priorities[i] = m.priority();
            dues[i] = java.sql.Timestamp.from(later ? m.sendAt() : now);
            valids[i] = m.validUntil() == null ? null : java.sql.Timestamp.from(m.validUntil());
            providers[i] = m.providerId();
            campaigns[i] = m.campaignId();
            contacts[i] = m.contactId();
            fallbacks[i] = m.fallbackList();
            events.add(new EventRow(ids[i], h.tenantId(), now, "created", null, statuses[i], 0, m.providerId(), null,
                    m.campaignId()));
        }
        String source = dialect.arrayTable("v", "mid:varchar", "mch:varchar", "mto:varchar", "mfrom:varchar", "msub:varchar",
                "mtext:varchar", "mst:varchar", "mg:varchar", "mprio:int", "mdue:timestamptz", "mvalid:timestamptz",
                "mprov:varchar", "mcamp:varchar", "mcont:varchar", "mfb:varchar");
        h.update("""
                INSERT INTO message (id, tenant_id, campaign_id, contact_id, channel, to_address, from_address, subject,
                                     body_text, status, guarantee, priority, due_at, valid_until, attempt, max_attempts,
                                     provider_id, fallbacks, created_at, updated_at)
                SELECT mid, :tenant, mcamp, mcont, mch, mto, mfrom, msub, mtext, mst, mg, mprio, mdue, mvalid, 0, :maxAttempts,
                       mprov, mfb, :now, :now FROM\s""" + source)
                .bindArray("mid", String.class, (Object[]) ids).bindArray("mch", String.class, (Object[]) channels)
                .bindArray("mto", String.class, (Object[]) tos).bindArray("mfrom", String.class, (Object[]) froms)
                .bindArray("msub", String.class, (Object[]) subjects).bindArray("mtext", String.class, (Object[]) texts)
                .bindArray("mst", String.class, (Object[]) statuses).bindArray("mg", String.class, (Object[]) guarantees)
                .bindArray("mprio", Integer.class, (Object[]) priorities)
                .bindArray("mdue", java.sql.Timestamp.class, (Object[]) dues)
                .bindArray("mvalid", java.sql.Timestamp.class, (Object[]) valids)
                .bindArray("mprov", String.class, (Object[]) providers).bindArray("mcamp", String.class, (Object[]) campaigns)
                .bindArray("mcont", String.class, (Object[]) contacts)
                .bindArray("mfb", String.class, (Object[]) fallbacks)
                .bind("maxAttempts", Backoff.DEFAULT_MAX_ATTEMPTS).bind("now", now)
                .execute();
        Events.insert(h.raw(), dialect, events);
        return List.of(ids);
    }

    public Message get(TenantHandle h, String id, boolean withEvents) {
        Message m = h.query("SELECT * FROM message WHERE tenant_id = :tenant AND id = :id").bind("id", id)
                .map((rs, c) -> map(rs)).findOne().orElseThrow(() -> new Failure.NotFound("message"));
        if (!withEvents) {
            return m;
        }
        List<Message.Event> events = h.query("""
                SELECT at, type, from_status, to_status, attempt, provider_id, detail FROM message_event
                WHERE message_id = :id AND tenant_id = :tenant ORDER BY id""").bind("id", id)
                .map((rs, c) -> {
                    int attempt = rs.getInt("attempt");
                    return new Message.Event(rs.getTimestamp("at").toInstant(), rs.getString("type"),
                            rs.getString("from_status"), rs.getString("to_status"), rs.wasNull() ? null : attempt,
                            rs.getString("provider_id"), rs.getString("detail"));
                }).list();
        return m.withEvents(withCreation(m, events));
    }

    /**
     * The history with its {@code created} event first. A campaign's expansion records creation on the row itself
     * (its {@code created_at} and first status, one write per recipient instead of two), so for a campaign row
     * without a {@code created} event one is made from the row: the status it was created in is the one its first
     * recorded change left, or its status now when nothing has changed it since.
     */
    private static List<Message.Event> withCreation(Message m, List<Message.Event> events) {
        if (m.campaignId() == null || events.stream().anyMatch(e -> e.type().equals("created"))) {
            return events;
        }
        String first = events.isEmpty() || events.getFirst().fromStatus() == null ? m.status() : events.getFirst().fromStatus();
        List<Message.Event> all = new ArrayList<>(events.size() + 1);
        all.add(new Message.Event(m.createdAt(), "created", null, first, 0, m.providerId(),
                first.equals("suppressed") ? m.lastError() : null));
        all.addAll(events);
        return all;
    }

    /** Filters for listing; null fields do not filter. */
    public record Filter(String status, String channel, String campaignId, String contactId, String providerId,
                         Instant since, Instant until) {}

    public List<Message> list(TenantHandle h, Filter f, Pages.Request page) {
        return h.query("""
                SELECT * FROM message WHERE tenant_id = :tenant
                  AND (CAST(:status AS VARCHAR) IS NULL OR status = :status)
                  AND (CAST(:channel AS VARCHAR) IS NULL OR channel = :channel)
                  AND (CAST(:campaign AS VARCHAR) IS NULL OR campaign_id = :campaign)
                  AND (CAST(:contact AS VARCHAR) IS NULL OR contact_id = :contact)
                  AND (CAST(:provider AS VARCHAR) IS NULL OR provider_id = :provider)
                  AND (CAST(:since AS TIMESTAMP WITH TIME ZONE) IS NULL OR created_at >= :since)
                  AND (CAST(:until AS TIMESTAMP WITH TIME ZONE) IS NULL OR created_at < :until)
                  AND (CAST(:before AS VARCHAR) IS NULL OR id < :before)
                ORDER BY id DESC LIMIT :limit""")
                .bind("status", f.status()).bind("channel", f.channel()).bind("campaign", f.campaignId())
                .bind("contact", f.contactId()).bind("provider", f.providerId()).bind("since", f.since())
                .bind("until", f.until()).bind("before", page.before()).bind("limit", page.limit() + 1)
                .map((rs, c) -> map(rs)).list();
    }

    /** Cancels a message still waiting ({@code scheduled} or {@code queued}); anything else is a 409 naming its state. */
    public Message cancel(TenantHandle h, String id, String actor) {
        Message m = get(h, id, false);
        Instant now = clock.instant();
        int n = h.update("""
                UPDATE message SET status = 'canceled', updated_at = :now
                WHERE tenant_id = :tenant AND id = :id AND status IN ('scheduled', 'queued')""")
                .bind("now", now).bind("id", id).execute();
        if (n == 0) {
            throw new Failure.Conflict("only a scheduled or queued message can be canceled; this one is " + m.status(), m.status());
        }
        Events.insert(h.raw(), dialect, List.of(new EventRow(id, h.tenantId(), now, "canceled", m.status(), "canceled",
                m.attempt(), m.providerId(), "by " + actor, m.campaignId())));
        return get(h, id, false);
    }

    /** Which settled messages to send again. */
    public record RetryFilter(MessageStatus status, String campaignId, String providerId, Instant since) {}

    /** Requeues matching {@code failed} or {@code unknown} messages as new attempts; returns how many. */
    public int retry(TenantHandle h, RetryFilter f, String actor) {
        Instant now = clock.instant();
        String update = """
                UPDATE message t SET status = 'queued', due_at = :now, max_attempts = attempt + :more, last_error = NULL,
                       updated_at = :now
                WHERE tenant_id = :tenant AND status = :status
                  AND (CAST(:campaign AS VARCHAR) IS NULL OR campaign_id = :campaign)
                  AND (CAST(:provider AS VARCHAR) IS NULL OR provider_id = :provider)
                  AND (CAST(:since AS TIMESTAMP WITH TIME ZONE) IS NULL OR updated_at >= :since)""";
        List<String[]> moved = h.query(dialect.updateReturning(update, "t.id, t.attempt, t.provider_id, t.campaign_id"))
                .bind("now", now).bind("more", Backoff.DEFAULT_MAX_ATTEMPTS).bind("status", f.status().wire())
                .bind("campaign", f.campaignId()).bind("provider", f.providerId()).bind("since", f.since())
                .map((rs, c) -> new String[] {rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4)}).list();
        List<EventRow> events = new ArrayList<>(moved.size());
        for (String[] m : moved) {
            events.add(new EventRow(m[0], h.tenantId(), now, "retried", f.status().wire(), "queued", Integer.valueOf(m[1]),
                    m[2], "requeued by " + actor, m[3]));
        }
        Events.insert(h.raw(), dialect, events);
        return moved.size();
    }

    /**
     * Cancels up to {@code limit} of a campaign's waiting rows ({@code queued}, {@code scheduled}), with their
     * events and counters; returns how many. The caller repeats until 0 (a canceled campaign's rows are no
     * longer claimed, so none can start while it does).
     */
    public int cancelCampaignRows(TenantHandle h, String campaignId, String actor, int limit) {
        Instant now = clock.instant();
        int moved = 0;
        for (String from : List.of("scheduled", "queued")) {
            String update = """
                    UPDATE message t SET status = 'canceled', updated_at = :now
                    WHERE id IN (SELECT id FROM message WHERE tenant_id = :tenant AND campaign_id = :campaign
                                 AND status = :from LIMIT :n FOR UPDATE SKIP LOCKED)""";
            moved += moveCampaignRows(h, dialect.updateReturning(update, "t.id, t.attempt, t.provider_id"), campaignId, now,
                    limit - moved, Map.of("from", from), from, "canceled", "canceled", "with its campaign, by " + actor);
        }
        return moved;
    }

    /** The zones of a campaign's queued rows whose send window closed before they were sent. */
    public List<String> closedWindowZones(TenantHandle h, String campaignId) {
        return h.query("""
                SELECT DISTINCT window_zone FROM message WHERE tenant_id = :tenant AND campaign_id = :campaign
                AND status = 'queued' AND window_closes_at <= :now""")
                .bind("campaign", campaignId).bind("now", clock.instant()).mapTo(String.class).list();
    }

    /**
     * Moves up to {@code limit} queued rows of a campaign and zone whose send window closed to {@code scheduled}
     * at the window's next opening {@code due}, to be sent by {@code closes}; returns how many.
     */
    public int reopenClosedWindow(TenantHandle h, String campaignId, String zone, Instant due, Instant closes, int limit) {
        Instant now = clock.instant();
        String update = """
                UPDATE message t SET status = 'scheduled', due_at = :due, window_closes_at = :closes, updated_at = :now
                WHERE id IN (SELECT id FROM message WHERE tenant_id = :tenant AND campaign_id = :campaign AND status = 'queued'
                             AND window_zone = :zone AND window_closes_at <= :now LIMIT :n FOR UPDATE SKIP LOCKED)""";
        return moveCampaignRows(h, dialect.updateReturning(update, "t.id, t.attempt, t.provider_id"), campaignId, now, limit,
                Map.of("zone", zone, "due", due, "closes", closes), "queued", "scheduled", "window_closed",
                "its send window closed; next opening " + due);
    }

    private int moveCampaignRows(TenantHandle h, String sql, String campaignId, Instant now, int limit,
                                 Map<String, Object> binds, String from, String to, String type, String detail) {
        if (limit <= 0) {
            return 0;
        }
        var q = h.query(sql).bind("now", now).bind("campaign", campaignId).bind("n", limit);
        binds.forEach(q::bind);
        List<String[]> moved = q.map((rs, c) -> new String[] {rs.getString(1), rs.getString(2), rs.getString(3)}).list();
        List<EventRow> events = new ArrayList<>(moved.size());
        for (String[] m : moved) {
            events.add(new EventRow(m[0], h.tenantId(), now, type, from, to, Integer.valueOf(m[1]), m[2], detail, campaignId));
        }
        Events.insert(h.raw(), dialect, events);
        return moved.size();
    }

    static Message map(java.sql.ResultSet rs) throws java.sql.SQLException {
        java.sql.Timestamp valid = rs.getTimestamp("valid_until");
        java.sql.Timestamp sent = rs.getTimestamp("sent_at");
        int step = rs.getInt("priority");
        List<String> tags = null;
        Map<String, Object> meta = null;
        try {
            String t = rs.getString("tags_json");
            tags = t == null ? List.of() : Json.mapper().readValue(t, TAGS);
            String md = rs.getString("metadata_json");
            meta = md == null ? Map.of() : Json.mapper().readValue(md, META);
        } catch (Exception e) {
            throw new IllegalStateException("message " + rs.getString("id") + " has unreadable tags or metadata", e);
        }
        return new Message(rs.getString("id"), rs.getString("campaign_id"), rs.getString("contact_id"), rs.getString("channel"),
                rs.getString("to_address"), rs.getString("from_address"), rs.getString("subject"), rs.getString("body_text"),
                rs.getString("body_html"), rs.getString("status"), rs.getString("guarantee"), step,
                rs.getTimestamp("due_at").toInstant(), valid == null ? null : valid.toInstant(), rs.getInt("attempt"),
                rs.getInt("max_attempts"), rs.getString("provider_id"), rs.getString("provider_message_id"),
                rs.getString("last_error"), tags, meta, rs.getTimestamp("created_at").toInstant(),
                rs.getTimestamp("updated_at").toInstant(), sent == null ? null : sent.toInstant(),
                rs.getBigDecimal("cost") == null ? null : rs.getBigDecimal("cost").stripTrailingZeros(), null);
    }
}

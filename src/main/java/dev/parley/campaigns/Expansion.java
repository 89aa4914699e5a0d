package dev.parley.campaigns;

import dev.parley.contacts.Contact;
import dev.parley.core.Ids;
import dev.parley.core.Json;
import dev.parley.db.BulkInsert;
import dev.parley.db.Dialect;
import dev.parley.db.TenantHandle;
import dev.parley.delivery.CampaignCounters;
import dev.parley.providers.Backoff;
import dev.parley.providers.Routing;
import dev.parley.templates.CompiledContent;
import dev.parley.templates.Rendered;
import dev.parley.templates.SmsEncoding;
import dev.parley.templates.Templates;
import dev.parley.templates.Variables;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Launch: the audience written into the ledger in chunks of contacts taken in id order. Each chunk is one
 * transaction that locks the campaign row, reads its cursor ({@code expanded_through}), inserts the chunk's
 * messages and counter deltas, and moves the cursor past the chunk; so a node that dies
 * mid-expansion leaves the last committed chunk as the resume point, and two nodes never write one chunk.
 * The unique key {@code (campaign_id, contact_id, step)} is the backstop: a repeat would fail, not duplicate.
 * A row's creation is recorded on the row (no {@code created} event per recipient; the ledger shows one made
 * from the row), and the counters move by the deltas counted here, not by events.
 *
 * <p>Per contact, in Java: the campaign's content rendered (compiled once per chunk), the route and its price
 * ({@link Routing.Plan}, loaded once per chunk), and the send window's next opening in the recipient's zone.
 * Contacts suppressed on the channel, opted out (or, with {@code requireOptIn}, not opted in) are written as
 * {@code suppressed} rows so that progress and a contact's history say why; contacts without the channel's
 * address, or in an excluded list, get no row.
 */
final class Expansion {
    private static final Logger log = LoggerFactory.getLogger(Expansion.class);
    static final int CHUNK = 10_000;
    static final int CAMPAIGN_PRIORITY = 1;
    static final Duration READ_AHEAD_WAIT = Duration.ofMillis(250);
    private static final List<String> MESSAGE_COLUMNS = List.of("id", "tenant_id", "campaign_id", "step", "variant", "contact_id",
            "channel", "to_address", "from_address", "subject", "body_text", "body_html", "status", "guarantee", "priority",
            "due_at", "valid_until", "attempt", "max_attempts", "provider_id", "fallbacks", "last_error", "cost", "tags_json",
            "created_at", "updated_at", "window_closes_at", "window_zone");

    private final Jdbi jdbi;
    private final Dialect dialect;
    private final Clock clock;
    private final Templates templates;
    private final Routing routing;
    private final RecipientZones zones;
    private final AtomicReference<ReadAhead> ahead = new AtomicReference<>();
    private final ExecutorService readers = Executors.newVirtualThreadPerTaskExecutor();

    Expansion(Jdbi jdbi, Dialect dialect, Clock clock, Templates templates, Routing routing, RecipientZones zones) {
        this.jdbi = jdbi;
        this.dialect = dialect;
        this.clock = clock;
        this.templates = templates;
        this.routing = routing;
        this.zones = zones;
    }

    /** One chunk's outcome: audience members covered, and whether expansion is now finished (or not to be done). */
    record Chunk(int covered, boolean finished) {}

    /** Expands the campaign's next chunk in one transaction. */
    Chunk expandNext(String campaignId) {
        return jdbi.inTransaction(h -> {
            CampaignStore.Row row = h.createQuery("SELECT " + CampaignStore.COLUMNS + " FROM campaign WHERE id = :id FOR UPDATE")
                    .bind("id", campaignId).map((rs, c) -> CampaignStore.map(rs)).findOne().orElse(null);
            if (row == null || row.expanded()
                    || (row.status() != CampaignStatus.RUNNING && row.status() != CampaignStatus.PAUSED)) {
                return new Chunk(0, true);
            }
            if (row.definition() == null || row.definition().audience() == null) {
                // A campaign row written without a definition (by hand, or by a test of the engine): nothing to expand.
                h.createUpdate("UPDATE campaign SET expanded = TRUE WHERE id = :id").bind("id", campaignId).execute();
                return new Chunk(0, true);
            }
            TenantHandle th = new TenantHandle(h, row.tenantId());
            dialect.indexLookupPlans().forEach(h::execute);
            if (dialect.asynchronousCommit() != null) {
                h.execute(dialect.asynchronousCommit());
            }
            List<Member> members = membersAtCursor(th, row);
            boolean last = members.size() < CHUNK;
            if (!last) {
                readAhead(row, members.getLast().contactId());
            }
            write(th, row, members, Part.first(row));
            String cursor = members.isEmpty() ? row.expandedThrough() : members.getLast().contactId();
            th.update("""
                    UPDATE campaign SET expanded_through = :cursor, expanded = :done, updated_at = :now
                    WHERE tenant_id = :tenant AND id = :id""")
                    .bind("cursor", cursor).bind("done", last).bind("now", clock.instant()).bind("id", campaignId).execute();
            return new Chunk(members.size(), last);
        });
    }

    /** Expands until done (the benchmark, and tests that want the ledger at once); returns members covered. */
    long expandAll(String campaignId) {
        long covered = 0;
        Chunk c;
        do {
            c = expandNext(campaignId);
            covered += c.covered();
        } while (!c.finished());
        return covered;
    }

    /** How many distinct contacts the audience lists hold (exclusions aside): the progress total until expansion ends. */
    static long estimate(TenantHandle th, CampaignInput.Audience audience) {
        return th.query("SELECT COUNT(DISTINCT contact_id) FROM list_member WHERE tenant_id = :tenant AND list_id IN (<lists>)")
                .bindList("lists", audience.listIds()).mapTo(Long.class).one();
    }

    /** An audience member and its {@link Audience} verdict; the contact fields are null when it no longer exists. */
    record Member(String contactId, String verdict, String phone, String email, String firstName, String lastName,
                  String timezone, String locale, String attributesJson) {}

    /** The contact columns of a {@link Member} after its id and verdict, on the contact alias {@code c}. */
    static final String MEMBER_COLUMNS = "c.phone, c.email, c.first_name, c.last_name, c.timezone, c.locale, c.attributes_json";

    static Member member(java.sql.ResultSet rs) throws java.sql.SQLException {
        return new Member(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5),
                rs.getString(6), rs.getString(7), rs.getString(8), rs.getString(9));
    }

    /** The members of one campaign after {@code after}, being read on another connection. */
    private record ReadAhead(String campaignId, String after, CompletableFuture<List<Member>> members) {}

    /**
     * Starts reading the members after {@code after} on another connection (no lock, read only), so that the next
     * chunk finds them read while this one is written. One read-ahead at a time; a newer one replaces it.
     */
    private void readAhead(CampaignStore.Row row, String after) {
        ahead.set(new ReadAhead(row.id(), after, CompletableFuture.supplyAsync(() -> jdbi.inTransaction(h -> {
            dialect.indexLookupPlans().forEach(h::execute);
            return members(new TenantHandle(h, row.tenantId()), row.definition(), after, row.channel());
        }), readers)));
    }

    /**
     * The members after the campaign's committed cursor, read under its lock: the read-ahead when it started at
     * that very cursor (the chunk before it committed), else read now. A read-ahead from a chunk that rolled back
     * or that another node overtook starts elsewhere and is dropped, so what is written always follows the cursor.
     * One not done within {@link #READ_AHEAD_WAIT} is dropped too: it may be waiting for a pooled connection
     * that this transaction holds (a pool of one).
     */
    private List<Member> membersAtCursor(TenantHandle th, CampaignStore.Row row) {
        ReadAhead ra = ahead.getAndSet(null);
        if (ra != null && ra.campaignId().equals(row.id()) && ra.after().equals(row.expandedThrough())) {
            try {
                return ra.members().get(READ_AHEAD_WAIT.toMillis(), TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                ra.members().cancel(false);
            } catch (ExecutionException e) {
                log.warn("Reading ahead the members of campaign {} failed; reading them again", row.id(), e.getCause());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while expanding campaign " + row.id(), e);
            }
        }
        return members(th, row.definition(), row.expandedThrough(), row.channel());
    }


    /**
     * The next {@link #CHUNK} distinct members after {@code after}, in contact id order: one ordered index range
     * scan per list (the list_member primary key), merged, so each chunk costs its own size however far in it is.
     * The contact side repeats {@code c.id > :after} (true of every member): without it PostgreSQL plans a merge
     * join that reads the contact primary key from its start, so chunk k read k × 10,000 entries (0.1 s per chunk
     * at 100,000 in; the whole launch grew with the square of the audience). Run it after
     * {@link Dialect#indexLookupPlans}: otherwise, far from the end of a large audience, PostgreSQL estimates most
     * contacts to follow the cursor and hash-joins a sequential scan of them (0.23 s per chunk at 1,000,000
     * contacts, against 0.01 s through the index).
     */
    private List<Member> members(TenantHandle th, CampaignInput d, String after, String channel) {
        CampaignInput.Audience audience = d.audience();
        StringBuilder union = new StringBuilder();
        Map<String, Object> binds = new HashMap<>();
        for (int i = 0; i < audience.listIds().size(); i++) {
            union.append(i == 0 ? "" : " UNION ").append("(SELECT contact_id FROM list_member WHERE list_id = :l").append(i)
                    .append(" AND contact_id > :after ORDER BY contact_id LIMIT :n)");
            binds.put("l" + i, audience.listIds().get(i));
        }
        Audience.Rule rule = Audience.rule(dialect, d, channel);
        var q = th.query("SELECT a.contact_id, " + rule.verdict() + ", " + MEMBER_COLUMNS
                        + " FROM (SELECT contact_id FROM (" + union + ") u ORDER BY contact_id LIMIT :n) a"
                        + " LEFT JOIN contact c ON c.id = a.contact_id AND c.tenant_id = :tenant AND c.id > :after"
                        + " ORDER BY a.contact_id")
                .bind("after", after == null ? "" : after).bind("n", CHUNK);
        rule.bind(q);
        binds.forEach(q::bind);
        return q.setFetchSize(CHUNK).map((rs, c) -> member(rs)).list();
    }

    /**
     * What one step of a campaign sends: its number, channel and content (one per A/B variant, {@code variants}
     * naming them; null names: no variants).
     */
    record Part(int step, String channel, List<String> variants, List<CampaignInput.Variant> weights,
                List<String> templateIds, List<dev.parley.templates.Content> contents) {

        /** The campaign's first message: its content, or its variants'. */
        static Part first(CampaignStore.Row row) {
            CampaignInput d = row.definition();
            if (d.variants() == null || d.variants().isEmpty()) {
                return new Part(0, row.channel(), null, null, java.util.Collections.singletonList(d.templateId()),
                        java.util.Collections.singletonList(d.content()));
            }
            return new Part(0, row.channel(), d.variants().stream().map(CampaignInput.Variant::name).toList(), d.variants(),
                    d.variants().stream().map(CampaignInput.Variant::templateId).toList(),
                    d.variants().stream().map(CampaignInput.Variant::content).toList());
        }

        /** Follow-up step {@code n} (1-based) of a sequence. */
        static Part step(int n, CampaignInput.Step s) {
            return new Part(n, s.channel(), null, null, java.util.Collections.singletonList(s.templateId()),
                    java.util.Collections.singletonList(s.content()));
        }

        /** The index of the content {@code contactId} gets. */
        int contentFor(String campaignId, String contactId) {
            return weights == null ? 0 : Variants.assign(campaignId, contactId, weights);
        }

        String variantName(int index) {
            return variants == null ? null : variants.get(index);
        }
    }

    /** The fixed parts of one step's messages, prepared once per chunk. */
    private record Plan(List<CompiledContent> contents, boolean usesAttributes, SendWindow window, ZoneId fallbackZone,
                        Routing.Plan routes, Duration validFor, String tagsJson) {}

    private Plan plan(TenantHandle th, CampaignStore.Row row, Part part) {
        CampaignInput d = row.definition();
        List<CompiledContent> contents = new ArrayList<>();
        for (int i = 0; i < part.contents().size(); i++) {
            String templateId = part.templateIds().get(i);
            contents.add(templateId != null ? templates.compile(th, templateId) : CompiledContent.compile(part.contents().get(i)));
        }
        boolean attributes = contents.stream().flatMap(c -> c.variables().stream()).anyMatch(v -> v.startsWith("attributes"));
        SendWindow window = d.sendWindow() == null ? null
                : SendWindow.parse(d.sendWindow().days(), d.sendWindow().from(), d.sendWindow().to(), "sendWindow.");
        ZoneId fallback = d.sendWindow() == null || d.sendWindow().fallbackTimezone() == null ? ZoneId.of("UTC")
                : ZoneId.of(d.sendWindow().fallbackTimezone());
        return new Plan(contents, attributes, window, fallback, routing.plan(th, part.channel()),
                d.validFor() == null ? null : Duration.parse(d.validFor()),
                d.tags() == null || d.tags().isEmpty() ? null : Json.write(d.tags()));
    }

    /** An opening of the send window in one zone: when rows become due, and when it closes (null: no window). */
    private record Opening(Instant due, Instant closes, String zone) {}

    /** Writes the rows of {@code members} for one step, with their counter deltas, in the caller's transaction. */
    void write(TenantHandle th, CampaignStore.Row row, List<Member> members, Part part) {
        try (BulkInsert messages = messageWriter(th, row)) {
            write(th, row, members, part, messages);
        }
    }

    /**
     * Where a chunk's rows go: one streaming {@code COPY} (PostgreSQL works on the rows while Java renders the
     * next ones), unless the route is sticky, which reads and writes the sender of each address as it goes and so
     * cannot share the connection with an open {@code COPY}.
     */
    private BulkInsert messageWriter(TenantHandle th, CampaignStore.Row row) {
        return routing.plan(th, row.channel()).stickySender() ? dialect.bulkInsert(th.raw(), "message", MESSAGE_COLUMNS)
                : dialect.streamingInsert(th.raw(), "message", MESSAGE_COLUMNS);
    }

    private void write(TenantHandle th, CampaignStore.Row row, List<Member> members, Part part, BulkInsert messages) {
        if (members.isEmpty()) {
            return;
        }
        Plan plan = plan(th, row, part);
        Instant now = clock.instant();
        String channel = part.channel();
        Map<ZoneId, Opening> openings = new HashMap<>();
        Map<CampaignCounters.Key, Map<String, Long>> deltas = new TreeMap<>();
        // The campaign's sender is for its own channel; a step on another channel uses that provider's default.
        String from = channel.equals(row.channel()) ? row.definition().from() : null;
        Handle h = th.raw();
        for (Member m : members) {
            String to = channel.equals("sms") ? m.phone() : m.email();
            if (Audience.skipped(m.verdict()) || to == null) {
                continue;
            }
            String blocked = Audience.blockedReason(m.verdict(), channel);
            ZoneId zone = plan.window() == null ? null : zones.zoneFor(m.timezone(), m.phone(), plan.fallbackZone());
            Opening opening = zone == null ? new Opening(now, null, null) : openings.computeIfAbsent(zone, z -> {
                Instant due = plan.window().nextOpening(now, z);
                return new Opening(due, plan.window().closesAfter(due, z), z.getId());
            });
            Routing.Route route = (plan.routes().stickySender() ? routing.choose(th, channel, to) : plan.routes().choose(to))
                    .orElseThrow(() -> new IllegalStateException("no enabled " + channel + " provider for campaign " + row.id()));
            int variant = part.contentFor(row.id(), m.contactId());
            Rendered r = blocked != null ? null
                    : plan.contents().get(variant).render(Variables.of(contact(m, plan.usesAttributes()), Map.of()));
            BigDecimal cost = null;
            Map<String, Long> counters = deltas.computeIfAbsent(
                    new CampaignCounters.Key(row.id(), part.variantName(variant), part.step()), k -> new TreeMap<>());
            if (r != null && route.price() != null) {
                cost = channel.equals("sms") ? SmsEncoding.count(r.text()).cost(route.price()) : route.price();
                counters.merge(CampaignCounters.COST, cost.movePointRight(6).longValue(), Long::sum);
            }
            String status = blocked != null ? "suppressed" : opening.due().isAfter(now) ? "scheduled" : "queued";
            counters.merge(status, 1L, Long::sum);
            String id = Ids.next("msg", clock);
            messages.add(id, row.tenantId(), row.id(), part.step(), part.variantName(variant), m.contactId(), channel, to,
                    from, r == null ? null : r.subject(), r == null ? null : r.text(), r == null ? null : r.html(),
                    status, row.definition().guarantee(), CAMPAIGN_PRIORITY, opening.due(),
                    plan.validFor() == null ? null : opening.due().plus(plan.validFor()), 0, Backoff.DEFAULT_MAX_ATTEMPTS,
                    route.provider().id(), route.fallbacks().isEmpty() ? null : String.join(",", route.fallbacks()), blocked,
                    cost == null ? null : cost.toPlainString(), plan.tagsJson(), now, now, opening.closes(), opening.zone());
        }
        messages.flush();
        CampaignCounters.addFor(h, dialect, deltas);
    }

    private static final com.fasterxml.jackson.core.type.TypeReference<Map<String, Object>> ATTRIBUTES =
            new com.fasterxml.jackson.core.type.TypeReference<>() {};

    static Contact contact(Member m, boolean attributes) {
        Map<String, Object> attrs = Map.of();
        if (attributes && m.attributesJson() != null) {
            try {
                attrs = Json.mapper().readValue(m.attributesJson(), ATTRIBUTES);
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                throw new IllegalStateException("contact " + m.contactId() + " has unreadable attributes", e);
            }
        }
        return new Contact(m.contactId(), m.phone(), m.email(), m.firstName(), m.lastName(), m.timezone(), m.locale(), attrs,
                List.of(), Map.of(), null, null);
    }
}

package dev.parley.delivery;

import dev.parley.core.Failure;
import dev.parley.core.Principal;
import dev.parley.core.Role;
import dev.parley.db.TenantHandle;
import dev.parley.http.Access;
import dev.parley.http.Api;
import dev.parley.http.Bodies;
import dev.parley.http.Checks;
import dev.parley.http.Pages;
import dev.parley.http.Queries;
import dev.parley.http.Replies;
import dev.parley.providers.ProviderStore;
import dev.parley.providers.Routing;
import dev.parley.tenancy.Masking;
import io.javalin.http.Context;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.jdbi.v3.core.Jdbi;

/** {@code /v1/messages}: send one message (202 once committed), list, read with its history, cancel. */
public final class MessageRoutes {
    private static final Pattern E164 = Pattern.compile("^\\+[1-9][0-9]{6,14}$");
    private static final Set<String> CHANNELS = Set.of("sms", "email");

    private final Jdbi jdbi;
    private final Ledger ledger;
    private final ProviderStore providers;
    private final Routing routing;
    private final MessageComposer composer;
    private final Pages pages;
    private final Clock clock;
    private final Runnable onEnqueued;

    public MessageRoutes(Jdbi jdbi, Ledger ledger, ProviderStore providers, Routing routing, MessageComposer composer,
                         Pages pages, Clock clock, Runnable onEnqueued) {
        this.jdbi = jdbi;
        this.ledger = ledger;
        this.providers = providers;
        this.routing = routing;
        this.composer = composer;
        this.pages = pages;
        this.clock = clock;
        this.onEnqueued = onEnqueued;
    }

    record Content(String text, String subject, String html) {}

    record SendBody(String channel, String to, String contactId, String from, String templateId, Content content,
                    Map<String, Object> data, Instant sendAt, Instant validUntil, String guarantee, List<String> tags,
                    Map<String, Object> metadata, String providerId) {}

    public void register(Api api) {
        api.create("/v1/messages", Access.role(Role.AGENT), this::send);
        api.get("/v1/messages", Access.role(Role.AGENT), this::list);
        api.get("/v1/messages/{id}", Access.role(Role.AGENT), this::get);
        api.post("/v1/messages/{id}/cancel", Access.role(Role.SUPERVISOR), this::cancel);
    }

    private void send(Context ctx, Principal who) {
        SendBody b = Bodies.read(ctx, SendBody.class);
        Checks checks = new Checks().required("channel", b.channel());
        checks.check(b.channel() == null || CHANNELS.contains(b.channel()), "channel", "invalid", "channel must be sms or email");
        checks.check((b.to() == null) != (b.contactId() == null), "to", "required", "give exactly one of to and contactId");
        checks.check((b.templateId() == null) != (b.content() == null), "content", "required",
                "give exactly one of content and templateId");
        checks.check(b.contactId() == null || dev.parley.core.Ids.looksLike("ctc", b.contactId()), "contactId", "invalid",
                "contactId is not a contact id");
        checks.check(b.templateId() == null || dev.parley.core.Ids.looksLike("tpl", b.templateId()), "templateId", "invalid",
                "templateId is not a template id");
        if ("sms".equals(b.channel())) {
            checks.check(b.to() == null || E164.matcher(b.to()).matches(), "to", "invalid",
                    "to must be a phone number in E.164 form, such as +447700900123");
        } else if ("email".equals(b.channel())) {
            if (b.to() != null) {
                checks.email("to", b.to());
            }
        }
        checks.maxLength("from", b.from(), 320);
        Guarantee guarantee = b.guarantee() == null ? Guarantee.AT_MOST_ONCE : Guarantee.parse(b.guarantee()).orElse(null);
        checks.check(guarantee != null, "guarantee", "invalid", "guarantee must be atMostOnce or atLeastOnce");
        Instant now = clock.instant();
        Instant start = b.sendAt() == null || b.sendAt().isBefore(now) ? now : b.sendAt();
        checks.check(b.validUntil() == null || b.validUntil().isAfter(start), "validUntil", "range",
                "validUntil must be after sendAt and in the future");
        checks.check(b.sendAt() == null || b.sendAt().isBefore(now.plusSeconds(366L * 24 * 3600)), "sendAt", "range",
                "sendAt must be within a year");
        checks.check(b.tags() == null || (b.tags().size() <= 20 && b.tags().stream().allMatch(t -> t != null && !t.isBlank() && t.length() <= 64)),
                "tags", "invalid", "tags: at most 20, each 1 to 64 characters");
        checks.check(b.metadata() == null || dev.parley.core.Json.write(b.metadata()).length() <= 4000, "metadata", "tooLong",
                "metadata must be at most 4000 characters as JSON");
        checks.check(b.data() == null || dev.parley.core.Json.write(b.data()).length() <= 16_000, "data", "tooLong",
                "data must be at most 16000 characters as JSON");
        checks.check(b.providerId() == null || dev.parley.core.Ids.looksLike("prv", b.providerId()), "providerId", "invalid",
                "providerId is not a provider id");
        checks.done();
        Message created = jdbi.inTransaction(h -> {
            TenantHandle th = new TenantHandle(h, who.tenantId());
            Content c = b.content() == null ? new Content(null, null, null) : b.content();
            String given = b.to() == null ? null
                    : "email".equals(b.channel()) ? b.to().trim().toLowerCase(java.util.Locale.ROOT) : b.to().trim();
            MessageComposer.Composed m = composer.compose(th, new MessageComposer.Request(b.channel(), given, b.contactId(),
                    b.templateId(), c.subject(), c.text(), c.html(), b.data()));
            Routing.Route route;
            if (b.providerId() != null) {
                ProviderStore.Row provider = providers.get(th, b.providerId());
                if (!provider.channel().equals(b.channel()) || !provider.enabled()) {
                    throw new Failure.Invalid("providerId", "invalid", "the provider must be enabled and serve the " + b.channel() + " channel");
                }
                route = new Routing.Route(provider, null, null, List.of());
            } else {
                route = routing.choose(th, b.channel(), m.to()).orElseThrow(() -> new Failure.Conflict(
                        "no enabled " + b.channel() + " provider is configured; add one with POST /v1/providers", "noProvider"));
            }
            java.math.BigDecimal cost = route.price() == null ? null : route.price().multiply(java.math.BigDecimal.valueOf(m.segments()));
            return ledger.enqueue(th, new Ledger.NewMessage(b.channel(), m.to(), b.from(), m.subject(), m.text(), m.html(),
                    b.sendAt(), b.validUntil(), guarantee, 0, route.provider().id(), null, m.contactId(), b.tags(), b.metadata(),
                    route.fallbacks(), false, cost));
        });
        onEnqueued.run();
        Replies.json(ctx, 202, Map.of("id", created.id(), "status", created.status()));
    }

    private void list(Context ctx, Principal who) {
        Pages.Request page = pages.request(ctx);
        Ledger.Filter filter = new Ledger.Filter(
                Queries.oneOf(ctx, "status", MessageStatus.parse(ctx.queryParam("status")).isPresent()),
                Queries.oneOf(ctx, "channel", CHANNELS.contains(String.valueOf(ctx.queryParam("channel")))),
                Queries.id(ctx, "campaignId", "cmp"), Queries.id(ctx, "contactId", "ctc"), Queries.id(ctx, "providerId", "prv"),
                Queries.instant(ctx, "since"), Queries.instant(ctx, "until"));
        List<Message> rows = jdbi.withHandle(h -> ledger.list(new TenantHandle(h, who.tenantId()), filter, page));
        List<Message> shown = rows.stream().map(m -> maskFor(who, m)).toList();
        Replies.json(ctx, 200, pages.page(shown, page, Message::id));
    }

    private void get(Context ctx, Principal who) {
        String id = Replies.pathId(ctx, "id", "msg", "message");
        Message m = jdbi.withHandle(h -> ledger.get(new TenantHandle(h, who.tenantId()), id, true));
        Replies.json(ctx, 200, maskFor(who, m));
    }

    private void cancel(Context ctx, Principal who) {
        String id = Replies.pathId(ctx, "id", "msg", "message");
        Message m = jdbi.inTransaction(h -> ledger.cancel(new TenantHandle(h, who.tenantId()), id, who.actorId()));
        Replies.json(ctx, 200, m);
    }

    static Message maskFor(Principal who, Message m) {
        if (who.role() != Role.AGENT) {
            return m;
        }
        String to = "sms".equals(m.channel()) ? Masking.phone(m.to()) : Masking.email(m.to());
        return new Message(m.id(), m.campaignId(), m.contactId(), m.channel(), to, m.from(), m.subject(), m.text(),
                m.html(), m.status(), m.guarantee(), m.priority(), m.dueAt(), m.validUntil(), m.attempt(), m.maxAttempts(),
                m.providerId(), m.providerMessageId(), m.lastError(), m.tags(), m.metadata(), m.createdAt(), m.updatedAt(),
                m.sentAt(), m.cost(), m.events());
    }
}

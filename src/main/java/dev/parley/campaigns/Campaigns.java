package dev.parley.campaigns;

import dev.parley.core.Failure;
import dev.parley.core.Ids;
import dev.parley.db.TenantHandle;
import dev.parley.delivery.Guarantee;
import dev.parley.delivery.Ledger;
import dev.parley.delivery.MessageStatus;
import dev.parley.http.Checks;
import dev.parley.http.Pages;
import dev.parley.providers.Routing;
import dev.parley.templates.MessageTemplate;
import dev.parley.templates.Templates;
import java.time.Clock;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Campaigns (SPEC §5): their definitions, validated here (so every caller, HTTP or {@code parley demo}, gets
 * the same 400s), and their lifecycle. Every transition is one guarded UPDATE ({@link CampaignStore#move});
 * an illegal one is a {@link Failure.Conflict} naming the current state. All methods run in the caller's
 * transaction except {@link #cancel}, which settles the campaign's waiting rows in chunks of their own.
 *
 * <p>What a reader could get wrong: launching only marks the campaign {@code running}; the audience is
 * written into the ledger afterwards by the {@link CampaignRunner} ({@link Expansion}), chunk by chunk, and
 * sending starts with the first chunk.
 */
public final class Campaigns {
    static final int MAX_LISTS = 50;
    static final Duration MAX_VALID_FOR = Duration.ofDays(30);
    static final int CANCEL_CHUNK = 10_000;

    private final Clock clock;
    private final Templates templates;
    private final Routing routing;
    private final Ledger ledger;
    private final CampaignStore store = new CampaignStore();
    private final Preview preview;

    public Campaigns(Clock clock, Templates templates, Routing routing, Ledger ledger) {
        this.clock = clock;
        this.templates = templates;
        this.routing = routing;
        this.ledger = ledger;
        this.preview = new Preview(ledger.dialect(), templates, routing);
    }

    /** What launching the campaign now would do: audience counts, the first message per variant, cost by route. */
    public Preview.Answer preview(TenantHandle th, String id) {
        return preview.preview(th, row(th, id));
    }

    /** Creates a draft campaign; {@code actor} is who did it (a user or key id). Throws {@link Failure.Invalid} naming the field. */
    public Campaign create(TenantHandle th, CampaignInput in, String actor) {
        CampaignInput clean = validate(th, in);
        String id = Ids.next("cmp", clock);
        store.insert(th, id, clean, actor, clock.instant());
        return get(th, id);
    }

    /** The campaign with its progress. */
    public Campaign get(TenantHandle th, String id) {
        CampaignStore.Row row = row(th, id);
        return view(row).withProgress(CampaignProgress.read(th.raw(), row, clock.instant()));
    }

    public List<Campaign> list(TenantHandle th, Pages.Request page) {
        return store.list(th, page).stream().map(Campaigns::view).toList();
    }

    /** Applies the set fields of {@code changes}; only a draft or scheduled campaign can change. */
    public Campaign patch(TenantHandle th, String id, CampaignInput changes) {
        CampaignStore.Row row = row(th, id);
        requireEditable(row, "changed");
        CampaignInput merged = validate(th, row.definition().merge(changes));
        if (!store.update(th, id, merged, clock.instant())) {
            throw conflict(th, id, "changed");
        }
        return get(th, id);
    }

    public void delete(TenantHandle th, String id) {
        CampaignStore.Row row = row(th, id);
        requireEditable(row, "deleted");
        if (!store.delete(th, id)) {
            throw conflict(th, id, "deleted");
        }
    }

    /** Starts the campaign at {@code startAt} (the {@link CampaignRunner} launches it then). */
    public Campaign schedule(TenantHandle th, String id, Instant startAt) {
        Instant now = clock.instant();
        new Checks().required("startAt", startAt)
                .check(startAt == null || startAt.isAfter(now), "startAt", "range", "startAt must be in the future")
                .check(startAt == null || startAt.isBefore(now.plus(Duration.ofDays(366))), "startAt", "range",
                        "startAt must be within a year")
                .done();
        requireRoute(th, row(th, id));
        transition(th, id, "schedule", CampaignStatus.SCHEDULED, "start_at = :startAt", Map.of("startAt", startAt));
        return get(th, id);
    }

    /** Starts sending now: the campaign runs and its audience is expanded into the ledger in the background. */
    public Campaign launch(TenantHandle th, String id) {
        CampaignStore.Row row = row(th, id);
        requireRoute(th, row);
        long estimate = Expansion.estimate(th, row.definition().audience());
        transition(th, id, "launch", CampaignStatus.RUNNING, "started_at = :now, audience_estimate = :estimate",
                Map.of("estimate", estimate));
        return get(th, id);
    }

    /** Launches a scheduled campaign whose start is due; false when it is no longer scheduled. */
    boolean start(TenantHandle th, CampaignStore.Row row) {
        long estimate = Expansion.estimate(th, row.definition().audience());
        return store.move(th, row.id(), Set.of(CampaignStatus.SCHEDULED), CampaignStatus.RUNNING,
                "started_at = :now, audience_estimate = :estimate", clock.instant(), Map.of("estimate", estimate));
    }

    /** Stops new claims of the campaign's rows at once; sends already under way finish. */
    public Campaign pause(TenantHandle th, String id) {
        transition(th, id, "pause", CampaignStatus.PAUSED, "", Map.of());
        return get(th, id);
    }

    public Campaign resume(TenantHandle th, String id) {
        transition(th, id, "resume", CampaignStatus.RUNNING, "", Map.of());
        return get(th, id);
    }

    /**
     * Cancels the campaign (its own transaction, through {@code tx}), then settles its queued and scheduled rows
     * as {@code canceled} in chunks, each its own transaction; the {@link CampaignRunner} finishes the job if
     * this node stops half-way. Rows already sending finish their attempt.
     */
    public Campaign cancel(org.jdbi.v3.core.Jdbi jdbi, String tenantId, String id, String actor) {
        jdbi.useTransaction(h -> transition(new TenantHandle(h, tenantId), id, "cancel", CampaignStatus.CANCELED,
                "completed_at = :now", Map.of()));
        cancelWaitingRows(jdbi, tenantId, id, actor);
        return jdbi.inTransaction(h -> get(new TenantHandle(h, tenantId), id));
    }

    void cancelWaitingRows(org.jdbi.v3.core.Jdbi jdbi, String tenantId, String id, String actor) {
        int moved;
        do {
            moved = jdbi.inTransaction(h -> ledger.cancelCampaignRows(new TenantHandle(h, tenantId), id, actor, CANCEL_CHUNK));
        } while (moved > 0);
    }

    /** What a retry did. */
    public record Retried(int failed, int unknown, Campaign campaign) {}

    /**
     * Requeues the campaign's {@code failed} rows (and {@code unknown} ones when asked) as new attempts; a
     * completed campaign runs again until they settle.
     */
    public Retried retryFailed(TenantHandle th, String id, boolean includeUnknown, String actor) {
        transition(th, id, "retry-failed", CampaignStatus.RUNNING, "completed_at = NULL", Map.of(),
                Set.of(CampaignStatus.RUNNING, CampaignStatus.COMPLETED));
        int failed = ledger.retry(th, new Ledger.RetryFilter(MessageStatus.FAILED, id, null, null), actor);
        int unknown = includeUnknown ? ledger.retry(th, new Ledger.RetryFilter(MessageStatus.UNKNOWN, id, null, null), actor) : 0;
        return new Retried(failed, unknown, get(th, id));
    }

    private void transition(TenantHandle th, String id, String action, CampaignStatus to, String set, Map<String, Object> binds) {
        transition(th, id, action, to, set, binds, CampaignStatus.sourcesOf(action));
    }

    /** Moves a campaign in state {@code from} (all legal sources for {@code action}) to {@code to}, or throws 409. */
    private void transition(TenantHandle th, String id, String action, CampaignStatus to, String set, Map<String, Object> binds,
                            Set<CampaignStatus> moveFrom) {
        row(th, id);
        // A paused campaign retried stays paused: only its rows move.
        if (action.equals("retry-failed") && row(th, id).status() == CampaignStatus.PAUSED) {
            return;
        }
        if (!store.move(th, id, moveFrom, to, set, clock.instant(), binds)) {
            throw conflict(th, id, action);
        }
    }

    private Failure.Conflict conflict(TenantHandle th, String id, String action) {
        String current = row(th, id).status().wire();
        String verb = action.equals("changed") || action.equals("deleted") ? "be " + action : action;
        return new Failure.Conflict("a " + current + " campaign cannot " + verb.replace("-", " "), current);
    }

    private void requireEditable(CampaignStore.Row row, String action) {
        if (!row.status().editable()) {
            throw new Failure.Conflict("only a draft or scheduled campaign can be " + action + "; this one is "
                    + row.status().wire(), row.status().wire());
        }
    }

    private void requireRoute(TenantHandle th, CampaignStore.Row row) {
        if (!row.status().editable()) {
            return;
        }
        String sample = row.channel().equals("sms") ? "+1" : "someone@example.com";
        if (routing.plan(th, row.channel()).choose(sample).isEmpty()) {
            throw new Failure.Conflict("no enabled " + row.channel() + " provider is configured; add one with POST /v1/providers",
                    "noProvider");
        }
    }

    CampaignStore.Row row(TenantHandle th, String id) {
        return store.get(th, id).orElseThrow(CampaignStore::notFound);
    }

    static Campaign view(CampaignStore.Row r) {
        CampaignInput d = r.definition();
        return new Campaign(r.id(), r.name(), r.channel(), r.status().wire(), d.audience(), d.templateId(), d.content(),
                d.from(), d.sendWindow(), d.ratePerSecond(), d.guarantee(), d.validFor(), d.tags() == null ? List.of() : d.tags(),
                Boolean.TRUE.equals(d.requireOptIn()), d.variants() == null ? List.of() : d.variants(),
                d.steps() == null ? List.of() : d.steps(), r.startAt(), r.startedAt(), r.completedAt(), r.createdAt(),
                r.updatedAt(), null);
    }

    /** Checks a whole definition against SPEC §5 and the tenant's lists and templates; returns it with defaults filled. */
    CampaignInput validate(TenantHandle th, CampaignInput in) {
        Checks checks = new Checks().required("name", in.name()).maxLength("name", in.name(), 200)
                .required("channel", in.channel()).required("audience", in.audience());
        checks.check(in.channel() == null || Templates.CHANNELS.contains(in.channel()), "channel", "invalid",
                "channel must be sms or email");
        CampaignInput.Audience audience = in.audience();
        if (audience != null) {
            checks.check(audience.listIds() != null && !audience.listIds().isEmpty(), "audience.listIds", "required",
                    "audience.listIds needs at least one list");
            checkLists(th, checks, "audience.listIds", audience.listIds());
            checkLists(th, checks, "audience.excludeListIds", audience.excludeListIds());
        }
        boolean hasVariants = in.variants() != null && !in.variants().isEmpty();
        if (hasVariants) {
            checks.check(in.templateId() == null && in.content() == null, "content", "invalid",
                    "with variants, each variant has its content; give no templateId or content on the campaign");
        } else {
            checks.check(in.templateId() == null || in.content() == null, "content", "invalid", "give templateId or content, not both");
            checks.check(in.templateId() != null || in.content() != null, "templateId", "required", "templateId or content is required");
        }
        checks.maxLength("from", in.from(), 320);
        Guarantee guarantee = in.guarantee() == null ? Guarantee.AT_MOST_ONCE : Guarantee.parse(in.guarantee()).orElse(null);
        checks.check(guarantee != null, "guarantee", "invalid", "guarantee must be atMostOnce or atLeastOnce");
        checks.check(in.ratePerSecond() == null || (in.ratePerSecond() > 0 && in.ratePerSecond() <= 100_000), "ratePerSecond",
                "range", "ratePerSecond must be more than 0 and at most 100000");
        Duration validFor = null;
        if (in.validFor() != null) {
            try {
                validFor = Duration.parse(in.validFor());
            } catch (DateTimeParseException e) {
                checks.add("validFor", "invalid", "validFor must be an ISO 8601 duration such as PT6H");
            }
            checks.check(validFor == null || (!validFor.isNegative() && !validFor.isZero() && validFor.compareTo(MAX_VALID_FOR) <= 0),
                    "validFor", "range", "validFor must be more than 0 and at most 30 days");
        }
        checks.check(in.tags() == null || (in.tags().size() <= 20 && in.tags().stream().allMatch(t -> t != null && !t.isBlank() && t.length() <= 64)),
                "tags", "invalid", "tags: at most 20, each 1 to 64 characters");
        checks.done();
        if (in.sendWindow() != null) {
            CampaignInput.Window w = in.sendWindow();
            SendWindow.parse(w.days(), w.from(), w.to(), "sendWindow.");
            if (w.fallbackTimezone() != null) {
                try {
                    ZoneId.of(w.fallbackTimezone());
                } catch (DateTimeException e) {
                    throw new Failure.Invalid("sendWindow.fallbackTimezone", "invalid",
                            "sendWindow.fallbackTimezone must be an IANA time zone such as Europe/London");
                }
            }
        }
        if (hasVariants) {
            checkVariants(th, in.channel(), in.variants());
        } else {
            checkContent(th, in.channel(), in.templateId(), in.content(), "");
        }
        List<CampaignInput.Step> steps = in.steps() == null || in.steps().isEmpty() ? null : checkSteps(th, in.channel(), in.steps());
        return new CampaignInput(in.name().strip(), in.channel(), new CampaignInput.Audience(List.copyOf(audience.listIds()),
                audience.excludeListIds() == null ? List.of() : List.copyOf(audience.excludeListIds())), in.templateId(),
                in.content(), in.from(), in.sendWindow(), in.ratePerSecond(), guarantee.wire(), in.validFor(),
                in.tags() == null ? List.of() : in.tags(), Boolean.TRUE.equals(in.requireOptIn()),
                hasVariants ? List.copyOf(in.variants()) : null, steps);
    }

    /** A template of the tenant on {@code channel}, or inline content that parses; errors name {@code prefix + field}. */
    private void checkContent(TenantHandle th, String channel, String templateId, dev.parley.templates.Content content,
                              String prefix) {
        if (templateId != null && content != null) {
            throw new Failure.Invalid(prefix + "content", "invalid", "give templateId or content, not both");
        }
        if (templateId == null && content == null) {
            throw new Failure.Invalid(prefix + "templateId", "required", "templateId or content is required");
        }
        if (templateId != null) {
            if (!Ids.looksLike("tpl", templateId)) {
                throw new Failure.Invalid(prefix + "templateId", "invalid", "templateId is not a template id");
            }
            MessageTemplate t;
            try {
                t = templates.get(th, templateId);
            } catch (Failure.NotFound e) {
                throw new Failure.Invalid(prefix + "templateId", "invalid", "no template " + templateId + " in this tenant");
            }
            if (!t.channel().equals(channel)) {
                throw new Failure.Invalid(prefix + "templateId", "invalid", "the template is for " + t.channel() + ", not " + channel);
            }
        } else {
            Templates.checkContent(channel, content, prefix + "content.");
        }
    }

    /** 2 to 5 variants with unique names and whole weights summing to 100, each with valid content. */
    private void checkVariants(TenantHandle th, String channel, List<CampaignInput.Variant> variants) {
        if (variants.size() < Variants.MIN || variants.size() > Variants.MAX) {
            throw new Failure.Invalid("variants", "invalid", "give 2 to 5 variants");
        }
        Set<String> names = new HashSet<>();
        int sum = 0;
        for (int i = 0; i < variants.size(); i++) {
            CampaignInput.Variant v = variants.get(i);
            String at = "variants[" + i + "].";
            if (v == null || v.name() == null || v.name().isBlank() || v.name().length() > Variants.NAME_MAX || v.name().equals("-")) {
                throw new Failure.Invalid(at + "name", "invalid", "each variant needs a name of 1 to 40 characters");
            }
            if (!names.add(v.name())) {
                throw new Failure.Invalid(at + "name", "invalid", "variant names must be unique; " + v.name() + " is repeated");
            }
            if (v.weight() == null || v.weight() < 1 || v.weight() > 99) {
                throw new Failure.Invalid(at + "weight", "range", "weight must be a whole percentage from 1 to 99");
            }
            sum += v.weight();
            checkContent(th, channel, v.templateId(), v.content(), at);
        }
        if (sum != 100) {
            throw new Failure.Invalid("variants", "invalid", "variant weights must sum to 100, not " + sum);
        }
    }

    /** At most 10 steps, each with a positive wait, a known condition, a channel and valid content. */
    private List<CampaignInput.Step> checkSteps(TenantHandle th, String channel, List<CampaignInput.Step> steps) {
        if (steps.size() > Sequence.MAX_STEPS) {
            throw new Failure.Invalid("steps", "invalid", "a campaign has at most " + Sequence.MAX_STEPS + " follow-up steps");
        }
        List<CampaignInput.Step> clean = new java.util.ArrayList<>();
        for (int i = 0; i < steps.size(); i++) {
            CampaignInput.Step s = steps.get(i);
            String at = "steps[" + i + "].";
            if (s == null || s.after() == null) {
                throw new Failure.Invalid(at + "after", "required", "after is required: an ISO 8601 duration such as P2D");
            }
            Duration after;
            try {
                after = Duration.parse(s.after());
            } catch (DateTimeParseException e) {
                throw new Failure.Invalid(at + "after", "invalid", "after must be an ISO 8601 duration such as P2D or PT6H");
            }
            if (after.isNegative() || after.isZero() || after.compareTo(Sequence.MAX_WAIT) > 0) {
                throw new Failure.Invalid(at + "after", "range", "after must be more than 0 and at most 90 days");
            }
            String when = s.when() == null ? "always" : s.when();
            if (!Sequence.CONDITIONS.contains(when)) {
                throw new Failure.Invalid(at + "when", "invalid", "when must be one of " + String.join(", ", Sequence.CONDITIONS));
            }
            String stepChannel = s.channel() == null ? channel : s.channel();
            if (!Templates.CHANNELS.contains(stepChannel)) {
                throw new Failure.Invalid(at + "channel", "invalid", "channel must be sms or email");
            }
            checkContent(th, stepChannel, s.templateId(), s.content(), at);
            clean.add(new CampaignInput.Step(s.after(), when, stepChannel, s.templateId(), s.content(),
                    Boolean.TRUE.equals(s.stopOnReply())));
        }
        return List.copyOf(clean);
    }

    private static void checkLists(TenantHandle th, Checks checks, String field, List<String> ids) {
        if (ids == null || ids.isEmpty()) {
            return;
        }
        if (ids.size() > MAX_LISTS || ids.stream().anyMatch(id -> !Ids.looksLike("lst", id))) {
            checks.add(field, "invalid", field + " must be at most " + MAX_LISTS + " list ids");
            return;
        }
        Set<String> found = new HashSet<>(th.query("SELECT id FROM contact_list WHERE tenant_id = :tenant AND id IN (<ids>)")
                .bindList("ids", ids).mapTo(String.class).list());
        for (String id : ids) {
            checks.check(found.contains(id), field, "invalid", "no list " + id + " in this tenant");
        }
    }
}

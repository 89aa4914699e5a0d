package dev.parley.campaigns;

import dev.parley.core.Failure;
import dev.parley.core.Ids;
import dev.parley.db.TenantHandle;
import dev.parley.delivery.Ledger;
import dev.parley.delivery.MessageStatus;
import dev.parley.http.Checks;
import dev.parley.http.Pages;
import dev.parley.providers.Routing;
import dev.parley.templates.Templates;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Campaigns (SPEC §5): their definitions, validated by {@link CampaignDefinitions} (so every caller, HTTP or
 * {@code parley demo}, gets the same 400s), and their lifecycle. Every transition is one guarded UPDATE ({@link CampaignStore#move});
 * an illegal one is a {@link Failure.Conflict} naming the current state. All methods run in the caller's
 * transaction except {@link #cancel}, which settles the campaign's waiting rows in chunks of their own.
 *
 * <p>What a reader could get wrong: launching only marks the campaign {@code running}; the audience is
 * written into the ledger afterwards by the {@link CampaignRunner} ({@link Expansion}), chunk by chunk, and
 * sending starts with the first chunk.
 */
public final class Campaigns {
    static final int CANCEL_CHUNK = 10_000;

    private final Clock clock;
    private final Templates templates;
    private final Routing routing;
    private final Ledger ledger;
    private final CampaignStore store = new CampaignStore();
    private final Preview preview;
    private final CampaignDefinitions definitions;

    public Campaigns(Clock clock, Templates templates, Routing routing, Ledger ledger) {
        this.clock = clock;
        this.templates = templates;
        this.routing = routing;
        this.ledger = ledger;
        this.preview = new Preview(ledger.dialect(), templates, routing);
        this.definitions = new CampaignDefinitions(templates);
    }

    /** What launching the campaign now would do: audience counts, the first message per variant, cost by route. */
    public Preview.Answer preview(TenantHandle th, String id) {
        return preview.preview(th, row(th, id));
    }

    /** Creates a draft campaign; {@code actor} is who did it (a user or key id). Throws {@link Failure.Invalid} naming the field. */
    public Campaign create(TenantHandle th, CampaignInput in, String actor) {
        CampaignInput clean = definitions.validate(th, in);
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
        CampaignInput merged = definitions.validate(th, row.definition().merge(changes));
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
}

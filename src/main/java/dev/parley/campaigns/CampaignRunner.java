package dev.parley.campaigns;

import dev.parley.db.TenantHandle;
import dev.parley.delivery.Ledger;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The background work of campaigns, one loop per worker node: starts scheduled campaigns when due, expands
 * launched ones chunk by chunk, moves rows whose send window closed to its next opening, finishes canceling
 * (a node may stop half-way through a cancel), refreshes the actual cost, and completes campaigns that are
 * expanded with no row left waiting or sending. Every step is safe with many nodes running it at once: each
 * is a guarded UPDATE or a locked chunk. Tests call {@link #runOnce()} directly.
 */
public final class CampaignRunner implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(CampaignRunner.class);
    static final Duration IDLE = Duration.ofMillis(250);
    static final Duration EXPANSION_SLICE = Duration.ofMillis(500);
    static final Duration COST_REFRESH = Duration.ofSeconds(10);
    static final int WINDOW_CHUNK = 5_000;
    static final Duration STEP_CHECK = Duration.ofSeconds(2);

    private final Jdbi jdbi;
    private final Clock clock;
    private final Campaigns campaigns;
    private final Expansion expansion;
    private final Sequence sequence;
    /** When each campaign's steps were last looked at: the clock's time and the machine's, whichever moved. */
    private final Map<String, long[]> stepsCheckedAt = new java.util.concurrent.ConcurrentHashMap<>();
    private final Ledger ledger;
    private final LinkedBlockingQueue<Boolean> wake = new LinkedBlockingQueue<>(1);
    private final Runnable onQueued;
    private volatile boolean stopping;
    private Thread thread;

    /** The runner over one database; {@code onQueued} is told when expansion queued rows (the engine's nudge). */
    public static CampaignRunner create(Jdbi jdbi, dev.parley.db.Dialect dialect, Clock clock, Campaigns campaigns,
                                        dev.parley.templates.Templates templates, dev.parley.providers.Routing routing,
                                        Ledger ledger, Runnable onQueued) {
        Expansion expansion = new Expansion(jdbi, dialect, clock, templates, routing, new RecipientZones());
        return new CampaignRunner(jdbi, clock, campaigns, expansion, new Sequence(jdbi, dialect, clock, expansion), ledger,
                onQueued);
    }

    /** Expands a launched campaign to the end at once, in this thread (the launch benchmark); returns members covered. */
    public long expandAll(String campaignId) {
        return expansion.expandAll(campaignId);
    }

    CampaignRunner(Jdbi jdbi, Clock clock, Campaigns campaigns, Expansion expansion, Sequence sequence, Ledger ledger,
                   Runnable onQueued) {
        this.jdbi = jdbi;
        this.clock = clock;
        this.campaigns = campaigns;
        this.expansion = expansion;
        this.sequence = sequence;
        this.ledger = ledger;
        this.onQueued = onQueued;
    }

    public void start() {
        thread = Thread.ofPlatform().name("parley-campaigns").daemon(true).start(() -> {
            while (!stopping) {
                boolean busy;
                try {
                    busy = runOnce();
                } catch (RuntimeException e) {
                    log.warn("Campaign work failed; retrying in 1 s", e);
                    busy = false;
                    sleep(Duration.ofSeconds(1));
                }
                if (!busy) {
                    try {
                        wake.poll(IDLE.toMillis(), TimeUnit.MILLISECONDS);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            }
        });
    }

    /** Asks for a pass soon (a campaign was launched or canceled). */
    public void nudge() {
        wake.offer(Boolean.TRUE);
    }

    private record Active(String id, String tenantId, CampaignStatus status, boolean expanded, Instant startAt,
                          boolean windowed, Instant costCheckedAt, int steps) {}

    /** One pass over the active campaigns; true when expansion work remains (the loop goes on at once). */
    public boolean runOnce() {
        Instant now = clock.instant();
        List<Active> active = jdbi.withHandle(h -> h.createQuery("""
                SELECT id, tenant_id, status, expanded, start_at, definition_json, cost_checked_at FROM campaign
                WHERE status IN ('scheduled', 'running', 'paused') OR (status = 'canceled' AND completed_at > :recent)""")
                .bind("recent", now.minus(Duration.ofHours(1)))
                .map((rs, c) -> {
                    java.sql.Timestamp start = rs.getTimestamp(5);
                    java.sql.Timestamp cost = rs.getTimestamp(7);
                    return new Active(rs.getString(1), rs.getString(2), CampaignStatus.of(rs.getString(3)), rs.getBoolean(4),
                            start == null ? null : start.toInstant(), rs.getString(6).contains("\"sendWindow\":{"),
                            cost == null ? null : cost.toInstant(), stepCount(rs.getString(6)));
                }).list());
        stepsCheckedAt.keySet().retainAll(active.stream().map(Active::id).toList());
        sequence.retain(active.stream().map(Active::id).toList());
        boolean more = false;
        for (Active a : active) {
            switch (a.status()) {
                case SCHEDULED -> {
                    if (a.startAt() != null && !a.startAt().isAfter(now)) {
                        jdbi.useTransaction(h -> {
                            TenantHandle th = new TenantHandle(h, a.tenantId());
                            if (campaigns.start(th, campaigns.row(th, a.id()))) {
                                log.info("Campaign {} started as scheduled", a.id());
                            }
                        });
                        more = true;
                    }
                }
                case RUNNING, PAUSED -> {
                    if (!a.expanded()) {
                        more |= expand(a.id());
                    }
                    if (a.status() == CampaignStatus.RUNNING) {
                        if (a.windowed()) {
                            reopenClosedWindows(a);
                        }
                        refreshCost(a, now);
                        if (a.expanded() && a.steps() > 0 && stepsDue(a.id(), now) && sequence.advance(a.id()) > 0) {
                            onQueued.run();
                        }
                        if (a.expanded()) {
                            completeIfSettled(a);
                        }
                    }
                }
                case CANCELED -> campaigns.cancelWaitingRows(jdbi, a.tenantId(), a.id(), "system");
                default -> { }
            }
        }
        return more;
    }

    private static int stepCount(String definitionJson) {
        if (!definitionJson.contains("\"steps\":[")) {
            return 0;
        }
        try {
            CampaignInput d = dev.parley.core.Json.mapper().readValue(definitionJson, CampaignInput.class);
            return d.steps() == null ? 0 : d.steps().size();
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("a campaign has an unreadable definition", e);
        }
    }

    /** Whether to look for due steps now: at most every {@link #STEP_CHECK}, of the clock's time or the machine's. */
    private boolean stepsDue(String campaignId, Instant now) {
        long[] last = stepsCheckedAt.get(campaignId);
        long nanos = System.nanoTime();
        if (last != null && now.toEpochMilli() - last[0] < STEP_CHECK.toMillis() && nanos - last[1] < STEP_CHECK.toNanos()) {
            return false;
        }
        stepsCheckedAt.put(campaignId, new long[] {now.toEpochMilli(), nanos});
        return true;
    }

    /** Expands chunks of one campaign for a short slice of time; true when more remain. */
    private boolean expand(String campaignId) {
        Instant until = Instant.now().plus(EXPANSION_SLICE);
        Expansion.Chunk c;
        do {
            c = expansion.expandNext(campaignId);
            if (c.covered() > 0) {
                onQueued.run();
            }
        } while (!c.finished() && Instant.now().isBefore(until) && !stopping);
        return !c.finished();
    }

    private void reopenClosedWindows(Active a) {
        jdbi.useTransaction(h -> {
            TenantHandle th = new TenantHandle(h, a.tenantId());
            CampaignStore.Row row = campaigns.row(th, a.id());
            CampaignInput.Window w = row.definition().sendWindow();
            SendWindow window = SendWindow.parse(w.days(), w.from(), w.to(), "sendWindow.");
            Instant now = clock.instant();
            for (String zone : ledger.closedWindowZones(th, a.id())) {
                ZoneId z = ZoneId.of(zone);
                Instant due = window.nextOpening(now, z);
                ledger.reopenClosedWindow(th, a.id(), zone, due, window.closesAfter(due, z), WINDOW_CHUNK);
            }
        });
    }

    /**
     * Completes a running, expanded campaign with no row scheduled, queued or sending. The campaign row is
     * locked first, so a retry-failed that requeues rows either commits before the counters are read (and
     * they show its rows) or waits and finds the campaign completed (and runs it again).
     */
    private void completeIfSettled(Active a) {
        jdbi.useTransaction(h -> {
            TenantHandle th = new TenantHandle(h, a.tenantId());
            String status = th.query("SELECT status FROM campaign WHERE tenant_id = :tenant AND id = :id FOR UPDATE")
                    .bind("id", a.id()).mapTo(String.class).one();
            if (!status.equals("running")) {
                return;
            }
            Map<String, Long> c = CampaignProgress.counters(h, a.id());
            long open = c.getOrDefault("scheduled", 0L) + c.getOrDefault("queued", 0L) + c.getOrDefault("sending", 0L);
            if (open == 0 && a.steps() > 0 && Sequence.pending(h, a.id(), a.steps())) {
                return;
            }
            if (open == 0 && th.update("""
                    UPDATE campaign SET status = 'completed', completed_at = :now, updated_at = :now, cost_checked_at = :now,
                           cost_actual = (SELECT COALESCE(SUM(cost), 0) FROM message
                                          WHERE campaign_id = :id AND status IN ('sent', 'delivered', 'undelivered'))
                    WHERE tenant_id = :tenant AND id = :id AND status = 'running' AND expanded""")
                    .bind("id", a.id()).bind("now", clock.instant()).execute() == 1) {
                log.info("Campaign {} completed", a.id());
            }
        });
    }

    /** The actual cost (messages providers accepted), summed in the background at most every few seconds. */
    private void refreshCost(Active a, Instant now) {
        if (a.costCheckedAt() != null && a.costCheckedAt().plus(COST_REFRESH).isAfter(now)) {
            return;
        }
        jdbi.useHandle(h -> h.createUpdate("""
                UPDATE campaign SET cost_checked_at = :now, cost_actual = (SELECT COALESCE(SUM(cost), 0) FROM message
                    WHERE campaign_id = :id AND status IN ('sent', 'delivered', 'undelivered'))
                WHERE id = :id""").bind("id", a.id()).bind("now", now).execute());
    }

    @Override
    public void close() {
        stopping = true;
        nudge();
        if (thread != null) {
            try {
                thread.join(Duration.ofSeconds(10));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

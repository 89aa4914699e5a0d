package dev.parley.campaigns;

import dev.parley.core.Json;
import dev.parley.core.Principal;
import dev.parley.core.Role;
import dev.parley.db.TenantHandle;
import dev.parley.http.Access;
import dev.parley.http.Api;
import dev.parley.http.Bodies;
import dev.parley.http.Pages;
import dev.parley.http.Replies;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.function.Function;
import org.jdbi.v3.core.Jdbi;

/**
 * {@code /v1/campaigns}: supervisors define and run campaigns; agents read them. The progress stream
 * ({@code /stream}) is server-sent events, one {@code progress} event a second, ending when the campaign
 * completes or is canceled, when the client goes, or after {@link #STREAM_LIMIT} (a client reconnects).
 */
public final class CampaignRoutes {
    static final Duration STREAM_LIMIT = Duration.ofHours(1);
    static final Duration STREAM_EVERY = Duration.ofSeconds(1);

    private final Jdbi jdbi;
    private final Campaigns campaigns;
    private final Pages pages;
    private final Runnable nudge;

    public CampaignRoutes(Jdbi jdbi, Campaigns campaigns, Pages pages, Runnable nudge) {
        this.jdbi = jdbi;
        this.campaigns = campaigns;
        this.pages = pages;
        this.nudge = nudge;
    }

    record ScheduleBody(Instant startAt) {}

    record RetryBody(Boolean includeUnknown) {}

    public void register(Api api) {
        Access agents = Access.role(Role.AGENT);
        Access supervisors = Access.role(Role.SUPERVISOR);
        api.get("/v1/campaigns", agents, this::list);
        api.create("/v1/campaigns", supervisors, this::create);
        api.get("/v1/campaigns/{id}", agents, this::get);
        api.patch("/v1/campaigns/{id}", supervisors, this::patch);
        api.delete("/v1/campaigns/{id}", supervisors, this::delete);
        api.post("/v1/campaigns/{id}/schedule", supervisors, this::schedule);
        api.post("/v1/campaigns/{id}/launch", supervisors, (ctx, who) -> act(ctx, who, campaigns::launch));
        api.post("/v1/campaigns/{id}/pause", supervisors, (ctx, who) -> act(ctx, who, campaigns::pause));
        api.post("/v1/campaigns/{id}/resume", supervisors, (ctx, who) -> act(ctx, who, campaigns::resume));
        api.post("/v1/campaigns/{id}/cancel", supervisors, this::cancel);
        api.post("/v1/campaigns/{id}/retry-failed", supervisors, this::retryFailed);
        api.get("/v1/campaigns/{id}/stream", agents, this::stream);
        api.post("/v1/campaigns/{id}/preview", agents, this::preview);
    }

    private static String id(Context ctx) {
        return Replies.pathId(ctx, "id", "cmp", "campaign");
    }

    private void list(Context ctx, Principal who) {
        Pages.Request page = pages.request(ctx);
        var rows = jdbi.withHandle(h -> campaigns.list(new TenantHandle(h, who.tenantId()), page));
        Replies.json(ctx, 200, pages.page(rows, page, Campaign::id));
    }

    private void create(Context ctx, Principal who) {
        CampaignInput in = Bodies.read(ctx, CampaignInput.class);
        Replies.json(ctx, 201, jdbi.inTransaction(h -> campaigns.create(new TenantHandle(h, who.tenantId()), in, who.actorId())));
    }

    private void get(Context ctx, Principal who) {
        String id = id(ctx);
        Replies.json(ctx, 200, jdbi.withHandle(h -> campaigns.get(new TenantHandle(h, who.tenantId()), id)));
    }

    private void preview(Context ctx, Principal who) {
        String id = id(ctx);
        Replies.json(ctx, 200, jdbi.withHandle(h -> campaigns.preview(new TenantHandle(h, who.tenantId()), id)));
    }

    private void patch(Context ctx, Principal who) {
        String id = id(ctx);
        CampaignInput changes = Bodies.read(ctx, CampaignInput.class);
        Replies.json(ctx, 200, jdbi.inTransaction(h -> campaigns.patch(new TenantHandle(h, who.tenantId()), id, changes)));
    }

    private void delete(Context ctx, Principal who) {
        String id = id(ctx);
        jdbi.useTransaction(h -> campaigns.delete(new TenantHandle(h, who.tenantId()), id));
        Replies.noContent(ctx);
    }

    private void schedule(Context ctx, Principal who) {
        String id = id(ctx);
        ScheduleBody b = Bodies.read(ctx, ScheduleBody.class);
        Replies.json(ctx, 200, jdbi.inTransaction(h -> campaigns.schedule(new TenantHandle(h, who.tenantId()), id, b.startAt())));
        nudge.run();
    }

    private interface Action {
        Campaign apply(TenantHandle th, String id);
    }

    private void act(Context ctx, Principal who, Action action) {
        String id = id(ctx);
        Campaign c = jdbi.inTransaction(h -> action.apply(new TenantHandle(h, who.tenantId()), id));
        nudge.run();
        Replies.json(ctx, 200, c);
    }

    private void cancel(Context ctx, Principal who) {
        String id = id(ctx);
        Replies.json(ctx, 200, campaigns.cancel(jdbi, who.tenantId(), id, who.actorId()));
    }

    private void retryFailed(Context ctx, Principal who) {
        String id = id(ctx);
        boolean includeUnknown = !ctx.body().isBlank() && Boolean.TRUE.equals(Bodies.read(ctx, RetryBody.class).includeUnknown());
        Campaigns.Retried r = jdbi.inTransaction(h ->
                campaigns.retryFailed(new TenantHandle(h, who.tenantId()), id, includeUnknown, who.actorId()));
        nudge.run();
        Replies.json(ctx, 200, Map.of("requeuedFailed", r.failed(), "requeuedUnknown", r.unknown(), "campaign", r.campaign()));
    }

    /** Server-sent events: the progress now and every second, until the campaign ends or the client goes. */
    private void stream(Context ctx, Principal who) throws IOException {
        String id = id(ctx);
        Function<Void, Campaign> read = v -> jdbi.withHandle(h -> campaigns.get(new TenantHandle(h, who.tenantId()), id));
        Campaign c = read.apply(null);
        ctx.status(200);
        ctx.res().setContentType("text/event-stream; charset=utf-8");
        ctx.res().setHeader("Cache-Control", "no-store");
        ctx.res().setHeader("X-Accel-Buffering", "no");
        OutputStream out = ctx.res().getOutputStream();
        Instant until = Instant.now().plus(STREAM_LIMIT);
        while (true) {
            String event = "event: progress\ndata: " + Json.write(Map.of("id", c.id(), "status", c.status(),
                    "progress", c.progress())) + "\n\n";
            try {
                out.write(event.getBytes(StandardCharsets.UTF_8));
                out.flush();
            } catch (IOException gone) {
                return;
            }
            if (c.status().equals("completed") || c.status().equals("canceled") || Instant.now().isAfter(until)) {
                return;
            }
            try {
                Thread.sleep(STREAM_EVERY);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            c = read.apply(null);
        }
    }
}

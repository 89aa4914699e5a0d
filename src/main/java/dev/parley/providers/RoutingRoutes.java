package dev.parley.providers;

import dev.parley.core.Failure;
import dev.parley.core.Principal;
import dev.parley.core.Role;
import dev.parley.db.TenantHandle;
import dev.parley.http.Access;
import dev.parley.http.Api;
import dev.parley.http.Bodies;
import dev.parley.http.Replies;
import dev.parley.tenancy.AuditLog;
import io.javalin.http.Context;
import java.util.List;
import java.util.Map;
import org.jdbi.v3.core.Jdbi;

/** {@code /v1/routing/{channel}}: a channel's price list and sticky-sender switch (admins edit, supervisors read). */
public final class RoutingRoutes {
    private final Jdbi jdbi;
    private final Routing routing;
    private final AuditLog audit;

    public RoutingRoutes(Jdbi jdbi, Routing routing, AuditLog audit) {
        this.jdbi = jdbi;
        this.routing = routing;
        this.audit = audit;
    }

    record PutBody(List<Routing.Rule> rules, Boolean stickySender) {}

    public void register(Api api) {
        api.get("/v1/routing/{channel}", Access.role(Role.SUPERVISOR), this::get);
        api.put("/v1/routing/{channel}", Access.role(Role.ADMIN), this::put);
    }

    private static String channel(Context ctx) {
        String channel = ctx.pathParam("channel");
        if (!channel.equals("sms") && !channel.equals("email")) {
            throw new Failure.NotFound("channel");
        }
        return channel;
    }

    private void get(Context ctx, Principal who) {
        String channel = channel(ctx);
        Replies.json(ctx, 200, jdbi.withHandle(h -> routing.get(new TenantHandle(h, who.tenantId()), channel)));
    }

    private void put(Context ctx, Principal who) {
        String channel = channel(ctx);
        PutBody b = Bodies.read(ctx, PutBody.class);
        if (b.rules() == null) {
            throw new Failure.Invalid("rules", "required", "rules is required (an empty list removes every rule)");
        }
        Routing.Table saved = jdbi.inTransaction(h -> {
            Routing.Table table = routing.put(new TenantHandle(h, who.tenantId()),
                    new Routing.Table(channel, b.rules(), Boolean.TRUE.equals(b.stickySender())));
            audit.record(h, who.tenantId(), new AuditLog.Actor(who.actorId(), null,
                            dev.parley.http.HttpServer.clientAddress(ctx), dev.parley.http.RequestIds.of(ctx)),
                    "routing.updated", "routing", channel, Map.of("rules", table.rules().size(), "stickySender", table.stickySender()));
            return table;
        });
        Replies.json(ctx, 200, saved);
    }
}

package dev.parley.providers;

import dev.parley.core.Failure;
import dev.parley.core.Principal;
import dev.parley.core.Role;
import dev.parley.db.TenantHandle;
import dev.parley.http.Access;
import dev.parley.http.Api;
import dev.parley.http.Bodies;
import dev.parley.http.Checks;
import dev.parley.http.Pages;
import dev.parley.http.Replies;
import dev.parley.tenancy.AuditLog;
import io.javalin.http.Context;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jdbi.v3.core.Jdbi;

/** {@code /v1/providers}: provider accounts (owner and admin), their health and circuit state. */
public final class ProviderRoutes {
    private final Jdbi jdbi;
    private final ProviderStore store;
    private final ProviderRegistry registry;
    private final AuditLog audit;
    private final Pages pages;

    public ProviderRoutes(Jdbi jdbi, ProviderStore store, ProviderRegistry registry, AuditLog audit, Pages pages) {
        this.jdbi = jdbi;
        this.store = store;
        this.registry = registry;
        this.audit = audit;
        this.pages = pages;
    }

    record CreateBody(String name, String type, String channel, Map<String, Object> config, Double ratePerSecond, Boolean enabled) {}

    record PatchBody(String name, Map<String, Object> config, Double ratePerSecond, Boolean clearRate, Boolean enabled) {}

    public void register(Api api) {
        Access admins = Access.role(Role.ADMIN);
        api.get("/v1/providers", Access.role(Role.SUPERVISOR), this::list);
        api.create("/v1/providers", admins, this::create);
        api.get("/v1/providers/{id}", Access.role(Role.SUPERVISOR), this::get);
        api.patch("/v1/providers/{id}", admins, this::patch);
        api.delete("/v1/providers/{id}", admins, this::delete);
        api.get("/v1/providers/{id}/health", Access.role(Role.SUPERVISOR), this::health);
    }

    private void list(Context ctx, Principal who) {
        Pages.Request page = pages.request(ctx);
        List<ProviderAccount> rows = jdbi.withHandle(h -> store.list(new TenantHandle(h, who.tenantId()), page))
                .stream().map(ProviderStore.Row::masked).toList();
        Replies.json(ctx, 200, pages.page(rows, page, ProviderAccount::id));
    }

    private void create(Context ctx, Principal who) {
        CreateBody b = Bodies.read(ctx, CreateBody.class);
        Checks checks = new Checks().required("name", b.name()).maxLength("name", b.name(), 200)
                .required("type", b.type()).required("channel", b.channel())
                .check(b.channel() == null || Set.of("sms", "email").contains(b.channel()), "channel", "invalid",
                        "channel must be sms or email");
        checkRate(checks, b.ratePerSecond());
        Map<String, Object> config = b.config() == null ? Map.of() : b.config();
        if (b.type() != null && b.channel() != null) {
            ProviderTypes.validate(b.type(), b.channel(), config).forEach(e -> checks.add(e.field(), e.code(), e.message()));
        }
        checks.done();
        ProviderAccount created = jdbi.inTransaction(h -> {
            TenantHandle th = new TenantHandle(h, who.tenantId());
            ProviderStore.Row row = store.create(th, b.name().trim(), b.type(), b.channel(), config, b.ratePerSecond(),
                    b.enabled() == null || b.enabled());
            audit.record(h, who.tenantId(), actor(ctx, who), "provider.created", "provider", row.id(),
                    Map.of("name", row.name(), "type", row.type(), "channel", row.channel()));
            return row.masked();
        });
        Replies.json(ctx, 201, created);
    }

    private void get(Context ctx, Principal who) {
        String id = Replies.pathId(ctx, "id", "prv", "provider");
        Replies.json(ctx, 200, jdbi.withHandle(h -> store.get(new TenantHandle(h, who.tenantId()), id)).masked());
    }

    private void patch(Context ctx, Principal who) {
        String id = Replies.pathId(ctx, "id", "prv", "provider");
        PatchBody b = Bodies.read(ctx, PatchBody.class);
        Checks checks = new Checks().maxLength("name", b.name(), 200)
                .check(b.name() == null || !b.name().isBlank(), "name", "required", "name cannot be blank");
        checkRate(checks, b.ratePerSecond());
        checks.done();
        ProviderAccount updated = jdbi.inTransaction(h -> {
            TenantHandle th = new TenantHandle(h, who.tenantId());
            ProviderStore.Row current = store.get(th, id);
            if (b.config() != null) {
                Map<String, Object> merged = new LinkedHashMap<>(current.config());
                b.config().forEach((k, v) -> {
                    if (!ProviderStore.MASK.equals(v)) {
                        merged.put(k, v);
                    }
                });
                merged.values().removeIf(v -> v == null);
                List<Failure.FieldError> errors = ProviderTypes.validate(current.type(), current.channel(), merged);
                if (!errors.isEmpty()) {
                    throw new Failure.Invalid(errors.getFirst().message(), errors);
                }
            }
            ProviderStore.Row row = store.update(th, id, b.name() == null ? null : b.name().trim(), b.config(),
                    b.ratePerSecond(), Boolean.TRUE.equals(b.clearRate()), b.enabled());
            Map<String, Object> detail = new LinkedHashMap<>();
            if (b.name() != null) {
                detail.put("name", b.name());
            }
            if (b.config() != null) {
                detail.put("configKeys", b.config().keySet());
            }
            if (b.ratePerSecond() != null || Boolean.TRUE.equals(b.clearRate())) {
                detail.put("ratePerSecond", row.ratePerSecond());
            }
            if (b.enabled() != null) {
                detail.put("enabled", b.enabled());
            }
            audit.record(h, who.tenantId(), actor(ctx, who), "provider.updated", "provider", id, detail);
            return row.masked();
        });
        Replies.json(ctx, 200, updated);
    }

    private void delete(Context ctx, Principal who) {
        String id = Replies.pathId(ctx, "id", "prv", "provider");
        jdbi.useTransaction(h -> {
            store.delete(new TenantHandle(h, who.tenantId()), id);
            audit.record(h, who.tenantId(), actor(ctx, who), "provider.deleted", "provider", id, Map.of());
        });
        Replies.noContent(ctx);
    }

    private void health(Context ctx, Principal who) {
        String id = Replies.pathId(ctx, "id", "prv", "provider");
        ProviderStore.Row row = jdbi.withHandle(h -> store.get(new TenantHandle(h, who.tenantId()), id));
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("providerId", row.id());
        out.put("enabled", row.enabled());
        out.putAll(registry.get(id).map(l -> l.breaker().snapshot()).orElse(Map.of("state", "closed")));
        Replies.json(ctx, 200, out);
    }

    private static void checkRate(Checks checks, Double rate) {
        checks.check(rate == null || (rate > 0 && rate <= 100_000), "ratePerSecond", "range",
                "ratePerSecond must be above 0 and at most 100000");
    }

    private static AuditLog.Actor actor(Context ctx, Principal who) {
        return new AuditLog.Actor(who.actorId(), null, dev.parley.http.HttpServer.clientAddress(ctx),
                dev.parley.http.RequestIds.of(ctx));
    }
}

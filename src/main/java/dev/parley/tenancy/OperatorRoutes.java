package dev.parley.tenancy;

import dev.parley.core.Principal;
import dev.parley.http.Access;
import dev.parley.http.Api;
import dev.parley.http.Bodies;
import dev.parley.http.Checks;
import dev.parley.http.Pages;
import dev.parley.http.Replies;
import io.javalin.http.Context;
import java.util.Set;

/** {@code /v1/operator/tenants}: platform operators create, rename and suspend tenants. */
public final class OperatorRoutes {
    private final Tenants tenants;
    private final Pages pages;

    public OperatorRoutes(Tenants tenants, Pages pages) {
        this.tenants = tenants;
        this.pages = pages;
    }

    record CreateTenant(String name, String adminEmail, String adminPassword) {}

    record PatchTenant(String name, String status) {}

    public void register(Api api) {
        api.get("/v1/operator/tenants", Access.operator(), this::list);
        api.create("/v1/operator/tenants", Access.operator(), this::create);
        api.get("/v1/operator/tenants/{id}", Access.operator(), this::get);
        api.patch("/v1/operator/tenants/{id}", Access.operator(), this::patch);
    }

    private void list(Context ctx, Principal who) {
        Pages.Request page = pages.request(ctx);
        Replies.json(ctx, 200, pages.page(tenants.list(page), page, Tenant::id));
    }

    private void create(Context ctx, Principal who) {
        CreateTenant req = Bodies.read(ctx, CreateTenant.class);
        new Checks().required("name", req.name()).maxLength("name", req.name(), 200)
                .required("adminEmail", req.adminEmail()).email("adminEmail", req.adminEmail())
                .length("adminPassword", req.adminPassword(), 10, 1024).done();
        Replies.json(ctx, 201, tenants.create(req.name().trim(), req.adminEmail(), req.adminPassword(), Actors.of(ctx, who)));
    }

    private void get(Context ctx, Principal who) {
        Replies.json(ctx, 200, tenants.get(Replies.pathId(ctx, "id", "tnt", "tenant")));
    }

    private void patch(Context ctx, Principal who) {
        String id = Replies.pathId(ctx, "id", "tnt", "tenant");
        PatchTenant req = Bodies.read(ctx, PatchTenant.class);
        new Checks().maxLength("name", req.name(), 200)
                .check(req.name() == null || !req.name().isBlank(), "name", "required", "name cannot be blank")
                .check(req.status() == null || Set.of("active", "suspended").contains(req.status()), "status", "invalid",
                        "status must be active or suspended")
                .done();
        Replies.json(ctx, 200, tenants.update(id, req.name() == null ? null : req.name().trim(), req.status(), Actors.of(ctx, who)));
    }
}

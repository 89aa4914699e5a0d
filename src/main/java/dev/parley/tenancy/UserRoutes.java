package dev.parley.tenancy;

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
import io.javalin.http.Context;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jdbi.v3.core.Jdbi;

/** {@code /v1/users} and {@code /v1/api-keys}: the people and keys of a tenant (owner and admin only). */
public final class UserRoutes {
    private final Jdbi jdbi;
    private final Users users;
    private final ApiKeys apiKeys;
    private final Pages pages;

    public UserRoutes(Jdbi jdbi, Users users, ApiKeys apiKeys, Pages pages) {
        this.jdbi = jdbi;
        this.users = users;
        this.apiKeys = apiKeys;
        this.pages = pages;
    }

    record CreateUser(String email, String name, String role, String password) {}

    record PatchUser(String email, String name, String role, Boolean disabled) {}

    record CreateKey(String name, String role) {}

    public void register(Api api) {
        Access admins = Access.role(Role.ADMIN);
        api.get("/v1/users", admins, this::listUsers);
        api.create("/v1/users", admins, this::createUser);
        api.get("/v1/users/{id}", admins, this::getUser);
        api.patch("/v1/users/{id}", admins, this::patchUser);
        api.delete("/v1/users/{id}", admins, this::deleteUser);
        api.get("/v1/api-keys", admins, this::listKeys);
        api.create("/v1/api-keys", admins, this::createKey);
        api.delete("/v1/api-keys/{id}", admins, this::deleteKey);
    }

    private void listUsers(Context ctx, Principal who) {
        Pages.Request page = pages.request(ctx);
        var rows = jdbi.withHandle(h -> users.list(new TenantHandle(h, who.tenantId()), page));
        Replies.json(ctx, 200, pages.page(rows, page, User::id));
    }

    private void createUser(Context ctx, Principal who) {
        CreateUser req = Bodies.read(ctx, CreateUser.class);
        Checks checks = new Checks().required("email", req.email()).email("email", req.email())
                .maxLength("name", req.name(), 200).required("role", req.role())
                .length("password", req.password(), 10, 1024);
        Role role = Role.parse(req.role()).orElse(null);
        checks.check(req.role() == null || role != null, "role", "invalid", "role must be owner, admin, supervisor or agent");
        checks.done();
        String password = req.password() == null ? PasswordHasher.generate() : req.password();
        User user = jdbi.inTransaction(h -> users.create(new TenantHandle(h, who.tenantId()), editor(ctx, who),
                req.email(), req.name(), role, password));
        Map<String, Object> body = new LinkedHashMap<>(Map.of("user", user));
        body.put("password", req.password() == null ? password : null);
        Replies.json(ctx, 201, body);
    }

    private void getUser(Context ctx, Principal who) {
        String id = Replies.pathId(ctx, "id", "usr", "user");
        Replies.json(ctx, 200, jdbi.withHandle(h -> users.get(new TenantHandle(h, who.tenantId()), id)));
    }

    private void patchUser(Context ctx, Principal who) {
        String id = Replies.pathId(ctx, "id", "usr", "user");
        PatchUser req = Bodies.read(ctx, PatchUser.class);
        Checks checks = new Checks().email("email", req.email()).maxLength("name", req.name(), 200);
        Role role = req.role() == null ? null : Role.parse(req.role()).orElse(null);
        checks.check(req.role() == null || role != null, "role", "invalid", "role must be owner, admin, supervisor or agent");
        checks.done();
        User user = jdbi.inTransaction(h -> users.update(new TenantHandle(h, who.tenantId()), editor(ctx, who), id,
                new Users.Change(req.email(), req.name(), role, req.disabled())));
        Replies.json(ctx, 200, user);
    }

    private void deleteUser(Context ctx, Principal who) {
        String id = Replies.pathId(ctx, "id", "usr", "user");
        jdbi.useTransaction(h -> users.delete(new TenantHandle(h, who.tenantId()), editor(ctx, who), id));
        Replies.noContent(ctx);
    }

    private void listKeys(Context ctx, Principal who) {
        Pages.Request page = pages.request(ctx);
        var rows = jdbi.withHandle(h -> apiKeys.list(new TenantHandle(h, who.tenantId()), page));
        Replies.json(ctx, 200, pages.page(rows, page, ApiKeys.ApiKey::id));
    }

    private void createKey(Context ctx, Principal who) {
        CreateKey req = Bodies.read(ctx, CreateKey.class);
        Checks checks = new Checks().required("name", req.name()).maxLength("name", req.name(), 200);
        Role role = req.role() == null ? who.role() : Role.parse(req.role()).orElse(null);
        checks.check(role != null, "role", "invalid", "role must be owner, admin, supervisor or agent");
        checks.done();
        if (!who.role().atLeast(role)) {
            throw new Failure.Forbidden("a key cannot carry the " + role.wire() + " role, which is above your own");
        }
        var created = jdbi.inTransaction(h -> apiKeys.create(new TenantHandle(h, who.tenantId()), req.name(), role,
                who.userId(), Actors.of(ctx, who)));
        Replies.json(ctx, 201, created);
    }

    private void deleteKey(Context ctx, Principal who) {
        String id = Replies.pathId(ctx, "id", "key", "API key");
        jdbi.useTransaction(h -> apiKeys.revoke(new TenantHandle(h, who.tenantId()), id, who.role(), Actors.of(ctx, who)));
        Replies.noContent(ctx);
    }

    private static Users.Editor editor(Context ctx, Principal who) {
        return new Users.Editor(who.role(), who.isApiKey() ? null : who.userId(), Actors.of(ctx, who));
    }
}

package dev.parley.tenancy;

import dev.parley.core.Failure;
import dev.parley.core.Principal;
import dev.parley.http.Access;
import dev.parley.http.Api;
import dev.parley.http.Bodies;
import dev.parley.http.Checks;
import dev.parley.http.HttpServer;
import dev.parley.http.Replies;
import io.javalin.http.Context;
import io.javalin.http.Cookie;
import io.javalin.http.SameSite;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/** {@code /v1/auth}: login, logout, who am I, change password. */
public final class AuthRoutes {
    private final Users users;
    private final Sessions sessions;
    private final PasswordHasher hasher;
    private final LoginThrottle throttle;
    private final AuditLog audit;
    private final Tenants tenants;
    private final boolean secureCookies;

    public AuthRoutes(Users users, Sessions sessions, PasswordHasher hasher, LoginThrottle throttle, AuditLog audit,
                      Tenants tenants, boolean secureCookies) {
        this.users = users;
        this.sessions = sessions;
        this.hasher = hasher;
        this.throttle = throttle;
        this.audit = audit;
        this.tenants = tenants;
        this.secureCookies = secureCookies;
    }

    record LoginRequest(String email, String password) {}

    record PasswordRequest(String current, @com.fasterxml.jackson.annotation.JsonProperty("new") String newPassword) {}

    public void register(Api api) {
        api.post("/v1/auth/login", Access.open(), this::login);
        api.post("/v1/auth/logout", Access.authenticated(), this::logout);
        api.get("/v1/auth/me", Access.authenticated(), this::me);
        api.post("/v1/auth/password", Access.authenticated(), this::changePassword);
    }

    private void login(Context ctx, Principal nobody) {
        LoginRequest req = Bodies.read(ctx, LoginRequest.class);
        String account = Users.normaliseEmail(req.email());
        // The account as stored (lower-cased, which can lengthen it) is what the throttle records.
        new Checks().required("email", req.email()).maxLength("email", account, 320)
                .required("password", req.password()).maxLength("password", req.password(), 1024).done();
        String address = HttpServer.clientAddress(ctx);
        throttle.check(account, address);
        var user = users.findByEmail(account);
        boolean ok;
        if (user.isEmpty()) {
            hasher.burn(req.password());
            ok = false;
        } else {
            ok = hasher.verify(req.password(), user.get().passwordHash()) && !user.get().disabled();
        }
        if (!ok) {
            throttle.recordFailure(account, address);
            audit.record(user.map(User::tenantId).orElse(null), Actors.anonymous(ctx, account), "auth.login_failed",
                    "user", user.map(User::id).orElse(null), Map.of("email", account));
            throw new Failure.Unauthenticated("the email or password is wrong");
        }
        User u = user.get();
        if (u.tenantId() != null && tenants.get(u.tenantId()).suspended()) {
            throw new Failure.Forbidden("this tenant is suspended");
        }
        throttle.clearAccount(account);
        users.touchLogin(u.id());
        Sessions.Issued session = sessions.create(u, address, ctx.userAgent());
        audit.record(u.tenantId(), new AuditLog.Actor(u.id(), u.email(), address, dev.parley.http.RequestIds.of(ctx)),
                "auth.login", "session", session.id(), Map.of());
        Cookie cookie = new Cookie(Credentials.COOKIE, session.token(), "/", (int) sessions.ttl().toSeconds(),
                secureCookies, true, null, SameSite.LAX);
        ctx.cookie(cookie);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("token", session.token());
        body.put("expiresAt", session.expiresAt());
        body.put("csrfToken", session.csrfToken());
        body.put("user", users.findById(u.id()).orElse(u));
        Replies.json(ctx, 200, body);
    }

    private void logout(Context ctx, Principal who) {
        if (who.isApiKey()) {
            throw new Failure.Forbidden("API keys do not log out; revoke them with DELETE /v1/api-keys/{id}");
        }
        sessions.revoke(who.credentialId());
        audit.record(who.tenantId(), Actors.of(ctx, who), "auth.logout", "session", who.credentialId(), Map.of());
        ctx.removeCookie(Credentials.COOKIE, "/");
        Replies.noContent(ctx);
    }

    private void me(Context ctx, Principal who) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("credential", who.isApiKey() ? "apiKey" : "session");
        body.put("actorId", who.actorId());
        body.put("role", who.operator() ? "operator" : who.role().wire());
        body.put("tenant", who.tenantId() == null ? null : tenants.get(who.tenantId()));
        body.put("user", who.userId() == null || who.isApiKey() ? null : users.findById(who.userId()).orElse(null));
        body.put("csrfToken", who.csrfToken());
        Replies.json(ctx, 200, body);
    }

    private void changePassword(Context ctx, Principal who) {
        if (who.isApiKey()) {
            throw new Failure.Forbidden("log in as the user to change their password");
        }
        PasswordRequest req = Bodies.read(ctx, PasswordRequest.class);
        new Checks().required("current", req.current()).required("new", req.newPassword())
                .length("new", req.newPassword(), 10, 1024).done();
        User user = users.findById(who.userId()).orElseThrow(() -> new Failure.Unauthenticated("the session's user is gone"));
        if (!hasher.verify(req.current(), user.passwordHash())) {
            throw new Failure.Invalid("current", "wrong", "the current password is wrong");
        }
        users.changePassword(user.id(), who.credentialId(), req.newPassword(), Actors.of(ctx, who), who.tenantId());
        Replies.json(ctx, 200, Map.of("changedAt", Instant.now()));
    }
}

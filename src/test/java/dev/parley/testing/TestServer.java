package dev.parley.testing;

import com.fasterxml.jackson.databind.JsonNode;
import dev.parley.app.Config;
import dev.parley.app.Parley;
import dev.parley.tenancy.AuditLog;
import dev.parley.tenancy.Tenants;
import java.util.HashMap;
import java.util.Map;

/** A real Parley node on a free port over a fresh test database, with helpers to make tenants and log in. */
public final class TestServer implements AutoCloseable {
    private final TestDatabase database;
    private final Parley parley;
    private final Http http;

    private TestServer(TestDatabase database, Parley parley) {
        this.database = database;
        this.parley = parley;
        this.http = new Http("http://127.0.0.1:" + parley.port());
    }

    public static TestServer start(TestDatabase.Kind kind) {
        return start(kind, Map.of());
    }

    public static TestServer start(TestDatabase.Kind kind, Map<String, String> overrides) {
        return start(kind, overrides, java.time.Clock.systemUTC());
    }

    public static TestServer start(TestDatabase.Kind kind, Map<String, String> overrides, java.time.Clock clock) {
        TestDatabase db = TestDatabase.create(kind);
        Map<String, String> settings = new HashMap<>(db.settings());
        settings.put("PARLEY_PORT", "0");
        settings.put("PARLEY_API_RATE", "1000");
        settings.putAll(overrides);
        try {
            return new TestServer(db, Parley.serve(Config.resolve(settings, Map.of()), clock));
        } catch (RuntimeException e) {
            db.close();
            throw e;
        }
    }

    public Http http() {
        return http;
    }

    public Parley parley() {
        return parley;
    }

    /** A tenant with an owner whose password is {@code password}. */
    public Tenants.Created tenant(String name, String email, String password) {
        return parley.tenants().create(name, email, password, AuditLog.Actor.system("test"));
    }

    /** Logs in and returns the session token. */
    public String login(String email, String password) {
        Http.Response r = http.post("/v1/auth/login").json(Map.of("email", email, "password", password)).send();
        if (r.status() != 200) {
            throw new AssertionError("login failed: " + r);
        }
        return r.json().get("token").asText();
    }

    /** Creates a user of {@code role} through the API and returns their session token. */
    public String userWithRole(String ownerToken, String email, String role) {
        String password = "password-" + role + "-123";
        Http.Response r = http.post("/v1/users").bearer(ownerToken)
                .json(Map.of("email", email, "role", role, "password", password)).send();
        if (r.status() != 201) {
            throw new AssertionError("user create failed: " + r);
        }
        return login(email, password);
    }

    public JsonNode me(String token) {
        return http.get("/v1/auth/me").bearer(token).send().json();
    }

    @Override
    public void close() {
        try {
            parley.close();
        } finally {
            database.close();
        }
    }
}

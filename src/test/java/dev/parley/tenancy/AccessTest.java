package dev.parley.tenancy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.parley.testing.Databases;
import dev.parley.testing.Http;
import dev.parley.testing.MovableClock;
import dev.parley.testing.TestDatabase;
import dev.parley.testing.TestServer;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.ArgumentsSource;

/** Authentication, roles, tenant isolation and the session life cycle, on H2 and PostgreSQL. */
@ParameterizedClass
@ArgumentsSource(Databases.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AccessTest {
    @Parameter
    TestDatabase.Kind kind;

    final MovableClock clock = new MovableClock();
    TestServer server;
    Http http;
    String ownerA;
    String ownerB;
    String keyA;

    @BeforeParameterizedClassInvocation
    void start(TestDatabase.Kind kind) {
        server = TestServer.start(kind, Map.of(), clock);
        http = server.http();
        var a = server.tenant("Acme", "owner@acme.test", "owner-password-a");
        var b = server.tenant("Beta", "owner@beta.test", "owner-password-b");
        keyA = a.apiKey();
        ownerA = server.login("owner@acme.test", "owner-password-a");
        ownerB = server.login("owner@beta.test", "owner-password-b");
    }

    @AfterParameterizedClassInvocation
    void stop() {
        server.close();
    }

    @Test
    void missingWrongAndMalformedCredentialsAnswer401WithProblemJson() {
        Http.Response none = http.get("/v1/users").send();
        assertThat(none.status()).isEqualTo(401);
        assertThat(none.header("Content-Type")).startsWith("application/problem+json");
        assertThat(none.json().get("type").asText()).isEqualTo("/problems/unauthenticated");
        assertThat(none.json().get("requestId").asText()).isEqualTo(none.header("X-Request-Id"));

        assertThat(http.get("/v1/users").bearer("pk_wrong").send().status()).isEqualTo(401);
        assertThat(http.get("/v1/users").bearer("ps_wrong").send().status()).isEqualTo(401);
        assertThat(http.get("/v1/users").bearer("garbage").send().status()).isEqualTo(401);
        assertThat(http.get("/v1/users").header("Authorization", "Basic dXNlcjpwYXNz").send().status()).isEqualTo(401);
    }

    @Test
    void apiKeyAndSessionTokenBothAuthenticate() {
        assertThat(http.get("/v1/users").bearer(keyA).send().status()).isEqualTo(200);
        JsonNode me = server.me(ownerA);
        assertThat(me.get("role").asText()).isEqualTo("owner");
        assertThat(me.get("tenant").get("name").asText()).isEqualTo("Acme");
        assertThat(me.get("credential").asText()).isEqualTo("session");
    }

    @Test
    void loggedOutSessionIsRevoked() {
        String token = server.login("owner@acme.test", "owner-password-a");
        assertThat(http.get("/v1/auth/me").bearer(token).send().status()).isEqualTo(200);
        assertThat(http.post("/v1/auth/logout").bearer(token).send().status()).isEqualTo(204);
        assertThat(http.get("/v1/auth/me").bearer(token).send().status()).isEqualTo(401);
    }

    @Test
    void sessionExpiresAfterItsLifetime() {
        String token = server.login("owner@acme.test", "owner-password-a");
        assertThat(http.get("/v1/auth/me").bearer(token).send().status()).isEqualTo(200);
        clock.advance(Duration.ofHours(12).plusMinutes(1));
        try {
            assertThat(http.get("/v1/auth/me").bearer(token).send().status()).isEqualTo(401);
        } finally {
            clock.advance(Duration.ofHours(-12).minusMinutes(1));
        }
    }

    @Test
    void revokedApiKeyIsRefused() {
        Http.Response created = http.post("/v1/api-keys").bearer(ownerA).json(Map.of("name", "temp", "role", "agent")).send();
        assertThat(created.status()).isEqualTo(201);
        String key = created.json().get("key").asText();
        String id = created.json().get("id").asText();
        assertThat(key).startsWith("pk_");
        assertThat(http.get("/v1/settings").bearer(key).send().status()).isEqualTo(200);

        assertThat(http.delete("/v1/api-keys/" + id).bearer(ownerA).send().status()).isEqualTo(204);
        assertThat(http.get("/v1/settings").bearer(key).send().status()).isEqualTo(401);
        JsonNode list = http.get("/v1/api-keys").bearer(ownerA).send().json();
        assertThat(list.get("data").findValuesAsText("id")).doesNotContain(id);
        assertThat(list.toString()).doesNotContain(key);
    }

    @Test
    void apiKeyRecordsWhenItWasLastUsed() {
        Http.Response created = http.post("/v1/api-keys").bearer(ownerA).json(Map.of("name", "usage")).send();
        String key = created.json().get("key").asText();
        String id = created.json().get("id").asText();
        http.get("/v1/settings").bearer(key).send();
        JsonNode listed = null;
        for (JsonNode k : http.get("/v1/api-keys?limit=200").bearer(ownerA).send().json().get("data")) {
            if (k.get("id").asText().equals(id)) {
                listed = k;
            }
        }
        assertThat(listed).isNotNull();
        assertThat(listed.get("lastUsedAt").isNull()).isFalse();
        assertThat(listed.get("prefix").asText()).isEqualTo(key.substring(0, 11));
    }

    @Test
    void agentCannotCreateUsersOrKeys() {
        String agent = server.userWithRole(ownerA, "agent1@acme.test", "agent");
        Http.Response r = http.post("/v1/users").bearer(agent)
                .json(Map.of("email", "x@acme.test", "role", "agent")).send();
        assertThat(r.status()).isEqualTo(403);
        assertThat(r.json().get("type").asText()).isEqualTo("/problems/forbidden");
        assertThat(http.post("/v1/api-keys").bearer(agent).json(Map.of("name", "k")).send().status()).isEqualTo(403);
        assertThat(http.get("/v1/users").bearer(agent).send().status()).isEqualTo(403);
        assertThat(http.get("/v1/audit-events").bearer(agent).send().status()).isEqualTo(403);
    }

    @Test
    void nobodyGrantsARoleAboveTheirOwnOrRaisesTheirOwn() {
        String admin = server.userWithRole(ownerA, "admin1@acme.test", "admin");
        Http.Response makeOwner = http.post("/v1/users").bearer(admin)
                .json(Map.of("email", "o2@acme.test", "role", "owner")).send();
        assertThat(makeOwner.status()).isEqualTo(403);

        String adminId = server.me(admin).get("user").get("id").asText();
        Http.Response raiseSelf = http.patch("/v1/users/" + adminId).bearer(admin).json(Map.of("role", "owner")).send();
        assertThat(raiseSelf.status()).isEqualTo(403);
        assertThat(server.me(admin).get("role").asText()).isEqualTo("admin");

        Http.Response ownerKey = http.post("/v1/api-keys").bearer(admin).json(Map.of("name", "k", "role", "owner")).send();
        assertThat(ownerKey.status()).isEqualTo(403);

        String ownerId = server.me(ownerA).get("user").get("id").asText();
        assertThat(http.patch("/v1/users/" + ownerId).bearer(admin).json(Map.of("disabled", true)).send().status())
                .isEqualTo(403);
    }

    @Test
    void theLastOwnerCannotBeDemotedDisabledOrDeleted() {
        var c = server.tenant("Gamma", "owner@gamma.test", "owner-password-c");
        String owner = server.login("owner@gamma.test", "owner-password-c");
        String second = server.userWithRole(owner, "second@gamma.test", "owner");
        String ownerId = server.me(owner).get("user").get("id").asText();
        String secondId = server.me(second).get("user").get("id").asText();

        assertThat(http.patch("/v1/users/" + secondId).bearer(owner).json(Map.of("role", "admin")).send().status())
                .isEqualTo(200);
        Http.Response last = http.patch("/v1/users/" + ownerId).bearer(owner).json(Map.of("role", "admin")).send();
        assertThat(last.status()).isEqualTo(403);
        assertThat(http.delete("/v1/users/" + ownerId).bearer(owner).send().status()).isEqualTo(403);
        assertThat(c.tenantId()).startsWith("tnt_");
    }

    @Test
    void disablingAUserEndsTheirSessions() {
        String sup = server.userWithRole(ownerA, "sup1@acme.test", "supervisor");
        String supId = server.me(sup).get("user").get("id").asText();
        assertThat(http.patch("/v1/users/" + supId).bearer(ownerA).json(Map.of("disabled", true)).send().status())
                .isEqualTo(200);
        assertThat(http.get("/v1/auth/me").bearer(sup).send().status()).isEqualTo(401);
        Http.Response login = http.post("/v1/auth/login").json(Map.of("email", "sup1@acme.test", "password", "password-supervisor-123")).send();
        assertThat(login.status()).isEqualTo(401);
    }

    @Test
    void anotherTenantsIdsAnswer404LikeMissingOnes() {
        Http.Response created = http.post("/v1/users").bearer(ownerB)
                .json(Map.of("email", "b-user@beta.test", "role", "agent", "password", "beta-user-password")).send();
        String foreignUser = created.json().get("user").get("id").asText();
        Http.Response key = http.post("/v1/api-keys").bearer(ownerB).json(Map.of("name", "beta key")).send();
        String foreignKey = key.json().get("id").asText();

        Http.Response get = http.get("/v1/users/" + foreignUser).bearer(ownerA).send();
        Http.Response missing = http.get("/v1/users/usr_01JD0000000000000000000000").bearer(ownerA).send();
        assertThat(get.status()).isEqualTo(404);
        assertThat(missing.status()).isEqualTo(404);
        assertThat(get.json().get("detail")).isEqualTo(missing.json().get("detail"));
        assertThat(http.patch("/v1/users/" + foreignUser).bearer(ownerA).json(Map.of("name", "x")).send().status()).isEqualTo(404);
        assertThat(http.delete("/v1/users/" + foreignUser).bearer(ownerA).send().status()).isEqualTo(404);
        assertThat(http.delete("/v1/api-keys/" + foreignKey).bearer(ownerA).send().status()).isEqualTo(404);
        assertThat(http.get("/v1/users?limit=200").bearer(ownerA).send().body()).doesNotContain(foreignUser);
        assertThat(http.get("/v1/users/" + foreignUser).bearer(ownerB).send().status()).isEqualTo(200);
    }

    @Test
    void operatorsManageTenantsAndTenantUsersCannot() {
        server.parley().users().createOperator("ops@platform.test", "operator-password");
        String ops = server.login("ops@platform.test", "operator-password");
        assertThat(http.get("/v1/operator/tenants").bearer(ownerA).send().status()).isEqualTo(403);
        assertThat(http.get("/v1/users").bearer(ops).send().status()).isEqualTo(403);

        Http.Response created = http.post("/v1/operator/tenants").bearer(ops)
                .json(Map.of("name", "Delta", "adminEmail", "owner@delta.test")).send();
        assertThat(created.status()).isEqualTo(201);
        String tenantId = created.json().get("tenantId").asText();
        String deltaKey = created.json().get("apiKey").asText();
        assertThat(created.json().get("adminPassword").asText()).hasSizeGreaterThanOrEqualTo(20);
        assertThat(http.get("/v1/settings").bearer(deltaKey).send().status()).isEqualTo(200);

        Http.Response suspended = http.patch("/v1/operator/tenants/" + tenantId).bearer(ops).json(Map.of("status", "suspended")).send();
        assertThat(suspended.status()).isEqualTo(200);
        assertThat(http.get("/v1/settings").bearer(deltaKey).send().status()).isEqualTo(403);
        http.patch("/v1/operator/tenants/" + tenantId).bearer(ops).json(Map.of("status", "active")).send();
        assertThat(http.get("/v1/settings").bearer(deltaKey).send().status()).isEqualTo(200);
    }

    @Test
    void changingThePasswordEndsOtherSessions() {
        server.tenant("Pw", "owner@pw.test", "old-password-1");
        String first = server.login("owner@pw.test", "old-password-1");
        String second = server.login("owner@pw.test", "old-password-1");
        Http.Response wrong = http.post("/v1/auth/password").bearer(first).json(Map.of("current", "nope-nope-nope", "new", "new-password-1")).send();
        assertThat(wrong.status()).isEqualTo(400);
        Http.Response ok = http.post("/v1/auth/password").bearer(first).json(Map.of("current", "old-password-1", "new", "new-password-1")).send();
        assertThat(ok.status()).isEqualTo(200);
        assertThat(http.get("/v1/auth/me").bearer(first).send().status()).isEqualTo(200);
        assertThat(http.get("/v1/auth/me").bearer(second).send().status()).isEqualTo(401);
        server.login("owner@pw.test", "new-password-1");
    }

    @Test
    void loginsKeyAndUserChangesAreAudited() {
        server.tenant("Audited", "owner@audited.test", "audited-password");
        String owner = server.login("owner@audited.test", "audited-password");
        http.post("/v1/auth/login").json(Map.of("email", "owner@audited.test", "password", "wrong-password")).send();
        http.post("/v1/api-keys").bearer(owner).json(Map.of("name", "audited key")).send();
        http.post("/v1/users").bearer(owner).json(Map.of("email", "u@audited.test", "role", "agent")).send();
        JsonNode events = http.get("/v1/audit-events").bearer(owner).send().json().get("data");
        assertThat(events.findValuesAsText("action"))
                .contains("tenant.created", "auth.login", "auth.login_failed", "api_key.created", "user.created");
        assertThat(events.get(0).get("address").asText()).isEqualTo("127.0.0.1");
        assertThat(http.get("/v1/audit-events").bearer(ownerB).send().body()).doesNotContain("audited");
    }

    @Test
    void keysFollowTheirCreatorDown() {
        server.tenant("Keys", "owner@keys.test", "keys-owner-password");
        String owner = server.login("owner@keys.test", "keys-owner-password");
        String admin = server.userWithRole(owner, "admin@keys.test", "admin");
        String adminId = server.me(admin).get("user").get("id").asText();
        String adminKey = http.post("/v1/api-keys").bearer(admin).json(Map.of("name", "admin's", "role", "admin")).send()
                .json().get("key").asText();
        String agentKey = http.post("/v1/api-keys").bearer(admin).json(Map.of("name", "admin's agent", "role", "agent")).send()
                .json().get("key").asText();
        assertThat(http.get("/v1/users").bearer(adminKey).send().status()).isEqualTo(200);

        assertThat(http.patch("/v1/users/" + adminId).bearer(owner).json(Map.of("role", "supervisor")).send().status()).isEqualTo(200);
        assertThat(http.get("/v1/settings").bearer(adminKey).send().status()).isEqualTo(401);
        assertThat(http.get("/v1/settings").bearer(agentKey).send().status()).isEqualTo(200);

        assertThat(http.delete("/v1/users/" + adminId).bearer(owner).send().status()).isEqualTo(204);
        assertThat(http.get("/v1/settings").bearer(agentKey).send().status()).isEqualTo(401);
    }

    @Test
    void anAdminCannotRevokeAnOwnersKey() {
        String admin = server.userWithRole(ownerA, "admin-revoker@acme.test", "admin");
        Http.Response ownerKey = http.post("/v1/api-keys").bearer(ownerA).json(Map.of("name", "owner only", "role", "owner")).send();
        String id = ownerKey.json().get("id").asText();
        assertThat(http.delete("/v1/api-keys/" + id).bearer(admin).send().status()).isEqualTo(403);
        assertThat(http.get("/v1/settings").bearer(ownerKey.json().get("key").asText()).send().status()).isEqualTo(200);
    }

    @Test
    void secretsInReplayableAnswersAreNotStoredReadably() {
        Http.Response created = http.post("/v1/api-keys").bearer(ownerA).header("Idempotency-Key", "sealed-1")
                .json(Map.of("name", "sealed")).send();
        String secret = created.json().get("key").asText();
        String stored = server.parley().database().jdbi().withHandle(h -> h.createQuery(
                "SELECT response_body FROM idempotency_key WHERE idem_key = 'sealed-1'").mapTo(String.class).one());
        assertThat(stored).doesNotContain(secret).startsWith("v1.");
        Http.Response replay = http.post("/v1/api-keys").bearer(ownerA).header("Idempotency-Key", "sealed-1")
                .json(Map.of("name", "sealed")).send();
        assertThat(replay.json().get("key").asText()).isEqualTo(secret);
    }
}

package dev.parley.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.parley.testing.Databases;
import dev.parley.testing.Http;
import dev.parley.testing.TestDatabase;
import dev.parley.testing.TestServer;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.ArgumentsSource;

/** SPEC §2 conventions shared by every endpoint: errors, limits, ids, headers, pagination, idempotency. */
@ParameterizedClass
@ArgumentsSource(Databases.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HttpConventionsTest {
    @Parameter
    TestDatabase.Kind kind;

    TestServer server;
    TestServer limited;
    Http http;
    String owner;

    @BeforeParameterizedClassInvocation
    void start(TestDatabase.Kind kind) {
        server = TestServer.start(kind);
        http = server.http();
        server.tenant("Conventions", "owner@conv.test", "conventions-password");
        owner = server.login("owner@conv.test", "conventions-password");
        limited = TestServer.start(kind, Map.of("PARLEY_API_RATE", "5", "PARLEY_TRUST_PROXY", "true"));
    }

    @AfterParameterizedClassInvocation
    void stop() {
        server.close();
        limited.close();
    }

    @Test
    void malformedJsonAnswers400ProblemSayingWhere() {
        Http.Response r = http.post("/v1/api-keys").bearer(owner).raw("application/json", "{\"name\": ").send();
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.header("Content-Type")).startsWith("application/problem+json");
        JsonNode p = r.json();
        assertThat(p.get("type").asText()).isEqualTo("/problems/validation");
        assertThat(p.get("status").asInt()).isEqualTo(400);
        assertThat(p.get("instance").asText()).isEqualTo("/v1/api-keys");
        assertThat(p.get("detail").asText()).contains("not valid JSON").contains("line 1");
        assertThat(p.get("errors").get(0).get("field").asText()).isEqualTo("body");
    }

    @Test
    void unknownAndWronglyTypedFieldsAreNamed() {
        Http.Response unknown = http.post("/v1/api-keys").bearer(owner).json(Map.of("name", "k", "rol", "agent")).send();
        assertThat(unknown.status()).isEqualTo(400);
        assertThat(unknown.json().get("errors").get(0).get("field").asText()).isEqualTo("rol");
        assertThat(unknown.json().get("errors").get(0).get("code").asText()).isEqualTo("unknown");

        Http.Response typed = http.post("/v1/users").bearer(owner).raw("application/json", "{\"email\": 5, \"role\": \"agent\"}").send();
        assertThat(typed.status()).isEqualTo(400);
        assertThat(typed.json().get("errors").get(0).get("field").asText()).isEqualTo("email");

        Http.Response invalid = http.post("/v1/users").bearer(owner).json(Map.of("email", "not-an-email", "role", "boss")).send();
        assertThat(invalid.status()).isEqualTo(400);
        assertThat(invalid.json().get("errors").findValuesAsText("field")).containsExactlyInAnyOrder("email", "role");
    }

    @Test
    void bodyOverTheLimitAnswers413() throws Exception {
        String big = "{\"name\":\"" + "x".repeat(1_100_000) + "\"}";
        Http.Response declared = http.post("/v1/api-keys").bearer(owner).raw("application/json", big).send();
        assertThat(declared.status()).isEqualTo(413);
        assertThat(declared.json().get("type").asText()).isEqualTo("/problems/payload-too-large");

        // The same body streamed without a Content-Length (chunked) must be refused too.
        HttpRequest chunked = HttpRequest.newBuilder(URI.create(http.base() + "/v1/api-keys"))
                .header("Authorization", "Bearer " + owner).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(big.getBytes()))).build();
        HttpResponse<String> r = HttpClient.newHttpClient().send(chunked, HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(413);
    }

    @Test
    void nonJsonMediaTypeAnswers415() {
        Http.Response r = http.post("/v1/api-keys").bearer(owner).raw("text/plain", "name=k").send();
        assertThat(r.status()).isEqualTo(415);
        assertThat(r.header("Content-Type")).startsWith("application/problem+json");
    }

    @Test
    void unknownRoutesAndMethodsAnswerProblems() {
        Http.Response missing = http.get("/v1/nothing-here").bearer(owner).send();
        assertThat(missing.status()).isEqualTo(404);
        assertThat(missing.json().get("type").asText()).isEqualTo("/problems/not-found");
        Http.Response method = http.call("PUT", "/v1/users").bearer(owner).json(Map.of()).send();
        assertThat(method.status()).isEqualTo(405);
        assertThat(method.header("Content-Type")).startsWith("application/problem+json");
    }

    @Test
    void requestIdIsKeptWhenValidAndMadeOtherwise() {
        Http.Response kept = http.get("/v1/settings").bearer(owner).header("X-Request-Id", "trace-123.abc_X").send();
        assertThat(kept.header("X-Request-Id")).isEqualTo("trace-123.abc_X");
        Http.Response made = http.get("/v1/settings").bearer(owner).header("X-Request-Id", "bad id with spaces").send();
        assertThat(made.header("X-Request-Id")).startsWith("req_");
        Http.Response none = http.get("/health").send();
        assertThat(none.header("X-Request-Id")).startsWith("req_");
    }

    @Test
    void securityHeadersAreOnEveryAnswer() {
        for (Http.Response r : List.of(http.get("/v1/settings").bearer(owner).send(), http.get("/health").send(),
                http.get("/docs").send(), http.get("/v1/nope").send())) {
            assertThat(r.header("X-Content-Type-Options")).isEqualTo("nosniff");
            assertThat(r.header("Referrer-Policy")).isEqualTo("no-referrer");
            assertThat(r.header("X-Frame-Options")).isEqualTo("DENY");
            assertThat(r.header("Content-Security-Policy")).contains("default-src 'self'");
        }
        assertThat(http.get("/v1/settings").bearer(owner).send().header("Cache-Control")).isEqualTo("no-store");
    }

    @Test
    void idempotentCreateReplaysTheFirstAnswer() {
        Http.Response first = http.post("/v1/api-keys").bearer(owner).header("Idempotency-Key", "create-key-1")
                .json(Map.of("name", "idempotent key")).send();
        Http.Response second = http.post("/v1/api-keys").bearer(owner).header("Idempotency-Key", "create-key-1")
                .json(Map.of("name", "idempotent key")).send();
        assertThat(first.status()).isEqualTo(201);
        assertThat(second.status()).isEqualTo(201);
        assertThat(second.body()).isEqualTo(first.body());
        assertThat(second.header("Idempotent-Replayed")).isEqualTo("true");
        assertThat(first.header("Idempotent-Replayed")).isNull();
        long made = countKeysNamed("idempotent key");
        assertThat(made).isEqualTo(1);

        Http.Response other = http.post("/v1/api-keys").bearer(owner).header("Idempotency-Key", "create-key-1")
                .json(Map.of("name", "another key")).send();
        assertThat(other.status()).isEqualTo(422);
        assertThat(countKeysNamed("another key")).isZero();
    }

    @Test
    void idempotencyKeyInProgressAnswers409() {
        String ownerId = server.me(owner).get("user").get("id").asText();
        server.parley().database().jdbi().useHandle(h -> h.createUpdate("""
                INSERT INTO idempotency_key (scope, idem_key, fingerprint, state, created_at)
                SELECT tenant_id, 'busy-key', :fp, 'in_progress', :now FROM app_user WHERE email = 'owner@conv.test'""")
                .bind("fp", dev.parley.core.Tokens.sha256(ownerId + "\nPOST /v1/api-keys\n{\"name\":\"busy\"}"))
                .bind("now", java.time.Instant.now()).execute());
        Http.Response r = http.post("/v1/api-keys").bearer(owner).header("Idempotency-Key", "busy-key")
                .raw("application/json", "{\"name\":\"busy\"}").send();
        assertThat(r.status()).isEqualTo(409);
        assertThat(countKeysNamed("busy")).isZero();
    }

    @Test
    void anotherCallerReusingTheKeyGets422NotTheFirstAnswer() {
        Http.Response first = http.post("/v1/api-keys").bearer(owner).header("Idempotency-Key", "per-caller")
                .json(Map.of("name", "mine")).send();
        String other = server.userWithRole(owner, "admin-idem@conv.test", "admin");
        Http.Response second = http.post("/v1/api-keys").bearer(other).header("Idempotency-Key", "per-caller")
                .json(Map.of("name", "mine")).send();
        assertThat(first.status()).isEqualTo(201);
        assertThat(second.status()).isEqualTo(422);
        assertThat(second.body()).doesNotContain(first.json().get("key").asText());
    }

    @Test
    void idempotencyKeysAreScopedToTheTenant() {
        server.tenant("Other", "owner@other-conv.test", "conventions-password");
        String other = server.login("owner@other-conv.test", "conventions-password");
        Http.Response mine = http.post("/v1/api-keys").bearer(owner).header("Idempotency-Key", "shared-key").json(Map.of("name", "scoped")).send();
        Http.Response theirs = http.post("/v1/api-keys").bearer(other).header("Idempotency-Key", "shared-key").json(Map.of("name", "scoped")).send();
        assertThat(theirs.status()).isEqualTo(201);
        assertThat(theirs.header("Idempotent-Replayed")).isNull();
        assertThat(theirs.json().get("id").asText()).isNotEqualTo(mine.json().get("id").asText());
    }

    private long countKeysNamed(String name) {
        long n = 0;
        String cursor = null;
        do {
            JsonNode page = http.get("/v1/api-keys?limit=200" + (cursor == null ? "" : "&cursor=" + cursor)).bearer(owner).send().json();
            for (JsonNode k : page.get("data")) {
                if (k.get("name").asText().equals(name)) {
                    n++;
                }
            }
            cursor = page.get("nextCursor").isNull() ? null : page.get("nextCursor").asText();
        } while (cursor != null);
        return n;
    }

    @Test
    void cursorPaginationWalksEveryItemOnceInStableOrder() {
        server.tenant("Pages", "owner@pages.test", "conventions-password");
        String pagesOwner = server.login("owner@pages.test", "conventions-password");
        for (int i = 0; i < 5; i++) {
            http.post("/v1/users").bearer(pagesOwner).json(Map.of("email", "p" + i + "@pages.test", "role", "agent")).send();
        }
        List<String> seen = new ArrayList<>();
        String cursor = null;
        int pages = 0;
        do {
            Http.Response r = http.get("/v1/users?limit=2" + (cursor == null ? "" : "&cursor=" + cursor)).bearer(pagesOwner).send();
            assertThat(r.status()).isEqualTo(200);
            r.json().get("data").forEach(u -> seen.add(u.get("id").asText()));
            cursor = r.json().get("nextCursor").isNull() ? null : r.json().get("nextCursor").asText();
            pages++;
        } while (cursor != null && pages < 10);
        assertThat(seen).hasSize(6);
        Set<String> distinct = new HashSet<>(seen);
        assertThat(distinct).hasSize(6);
        assertThat(seen).isSortedAccordingTo(java.util.Comparator.reverseOrder());
        assertThat(pages).isEqualTo(3);
    }

    @Test
    void tamperedCursorsAndBadLimitsAnswer400() {
        http.post("/v1/api-keys").bearer(owner).json(Map.of("name", "page-a")).send();
        http.post("/v1/api-keys").bearer(owner).json(Map.of("name", "page-b")).send();
        String cursor = http.get("/v1/api-keys?limit=1").bearer(owner).send().json().get("nextCursor").asText();
        char last = cursor.charAt(0);
        String tampered = (last == 'A' ? 'B' : 'A') + cursor.substring(1);
        Http.Response r = http.get("/v1/api-keys?cursor=" + tampered).bearer(owner).send();
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.json().get("errors").get(0).get("field").asText()).isEqualTo("cursor");
        for (String limit : List.of("0", "201", "-1", "abc")) {
            assertThat(http.get("/v1/api-keys?limit=" + limit).bearer(owner).send().status()).isEqualTo(400);
        }
    }

    @Test
    void cookieAuthenticatedWritesNeedTheCsrfToken() {
        Http.Response login = http.post("/v1/auth/login").json(Map.of("email", "owner@conv.test", "password", "conventions-password")).send();
        String setCookie = login.header("Set-Cookie");
        assertThat(setCookie).contains("parley_session=").containsIgnoringCase("HttpOnly").containsIgnoringCase("SameSite=Lax");
        String cookie = setCookie.split(";", 2)[0];
        String csrf = login.json().get("csrfToken").asText();

        assertThat(http.get("/v1/settings").header("Cookie", cookie).send().status()).isEqualTo(200);
        Http.Response without = http.post("/v1/api-keys").header("Cookie", cookie).json(Map.of("name", "csrf")).send();
        assertThat(without.status()).isEqualTo(403);
        Http.Response wrong = http.post("/v1/api-keys").header("Cookie", cookie).header("X-CSRF-Token", "nope").json(Map.of("name", "csrf")).send();
        assertThat(wrong.status()).isEqualTo(403);
        Http.Response with = http.post("/v1/api-keys").header("Cookie", cookie).header("X-CSRF-Token", csrf).json(Map.of("name", "csrf")).send();
        assertThat(with.status()).isEqualTo(201);
        assertThat(http.get("/v1/auth/me").header("Cookie", cookie).send().json().get("csrfToken").asText()).isEqualTo(csrf);
    }

    @Test
    void requestsBeyondTheCredentialRateAnswer429WithRetryAfter() {
        var t = limited.tenant("Limited", "owner@limited.test", "limited-password");
        int ok = 0;
        Http.Response throttled = null;
        for (int i = 0; i < 40 && throttled == null; i++) {
            Http.Response r = limited.http().get("/v1/settings").bearer(t.apiKey()).send();
            if (r.status() == 200) {
                ok++;
            } else {
                throttled = r;
            }
        }
        assertThat(throttled).isNotNull();
        assertThat(throttled.status()).isEqualTo(429);
        assertThat(Integer.parseInt(throttled.header("Retry-After"))).isBetween(1, 2);
        assertThat(ok).isBetween(10, 14);
        // Another credential has its own bucket.
        String session = limited.login("owner@limited.test", "limited-password");
        assertThat(limited.http().get("/v1/settings").bearer(session).send().status()).isEqualTo(200);
    }

    @Test
    void repeatedFailedLoginsPerAccountAnswer429EvenWithTheRightPassword() {
        limited.tenant("Brute", "victim@brute.test", "the-right-password");
        for (int i = 0; i < 5; i++) {
            Http.Response r = limited.http().post("/v1/auth/login").header("X-Forwarded-For", "10.0.0." + (i + 1))
                    .json(Map.of("email", "victim@brute.test", "password", "guess-" + i)).send();
            assertThat(r.status()).isEqualTo(401);
        }
        Http.Response blocked = limited.http().post("/v1/auth/login").header("X-Forwarded-For", "10.0.1.1")
                .json(Map.of("email", "victim@brute.test", "password", "the-right-password")).send();
        assertThat(blocked.status()).isEqualTo(429);
        assertThat(Long.parseLong(blocked.header("Retry-After"))).isBetween(1L, 900L);
    }

    @Test
    void repeatedFailedLoginsPerAddressAnswer429ForAnyAccount() {
        limited.tenant("Spray", "someone@spray.test", "spray-password-ok");
        for (int i = 0; i < 20; i++) {
            Http.Response r = limited.http().post("/v1/auth/login").header("X-Forwarded-For", "192.0.2.77")
                    .json(Map.of("email", "user" + i + "@spray.test", "password", "wrong-password")).send();
            assertThat(r.status()).isEqualTo(401);
        }
        Http.Response blocked = limited.http().post("/v1/auth/login").header("X-Forwarded-For", "192.0.2.77")
                .json(Map.of("email", "someone@spray.test", "password", "spray-password-ok")).send();
        assertThat(blocked.status()).isEqualTo(429);
        Http.Response elsewhere = limited.http().post("/v1/auth/login").header("X-Forwarded-For", "192.0.2.78")
                .json(Map.of("email", "someone@spray.test", "password", "spray-password-ok")).send();
        assertThat(elsewhere.status()).isEqualTo(200);
    }

    @Test
    void metricsExposeJvmHttpRoutesAndThePool() {
        http.get("/v1/settings").bearer(owner).send();
        String metrics = http.get("/metrics").send().body();
        assertThat(metrics).contains("jvm_memory_used_bytes");
        assertThat(metrics).contains("http_server_requests_seconds_count{method=\"GET\",route=\"/v1/settings\",status=\"200\"}");
        assertThat(metrics).contains("hikaricp_connections_active");
    }

    @Test
    void healthAndReadinessAnswer() {
        assertThat(http.get("/health").send().status()).isEqualTo(200);
        Http.Response ready = http.get("/health/ready").send();
        assertThat(ready.status()).isEqualTo(200);
        assertThat(ready.json().get("checks").get("database").get("ok").asBoolean()).isTrue();
    }
}

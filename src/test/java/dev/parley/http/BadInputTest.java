package dev.parley.http;

import static dev.parley.http.BadValues.concat;
import static dev.parley.http.BadValues.q;
import static dev.parley.http.BadValues.utf8;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.parley.core.Json;
import dev.parley.http.BadValues.Field;
import dev.parley.http.BadValues.Kind;
import dev.parley.http.BadValues.RawJson;
import dev.parley.http.BadValues.Value;
import dev.parley.http.Findings.Expect;
import dev.parley.testing.Databases;
import dev.parley.testing.Http;
import dev.parley.testing.MovableClock;
import dev.parley.testing.RawHttp;
import dev.parley.testing.RawHttp.Answer;
import dev.parley.testing.RawHttp.Request;
import dev.parley.testing.TestDatabase;
import dev.parley.testing.TestServer;
import io.javalin.http.HandlerType;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.ArgumentsSource;

/**
 * Bad input never yields 500 (SPEC §2), on every registered {@code /v1} route. The routes come from
 * {@code parley().routes()}, so a route added later is swept without touching this class.
 *
 * <p>Each route is called with a credential that passes its access check and a batch of bad requests:
 * broken and hostile bodies, wrong media types, oversized and short bodies, malformed and missing path
 * ids, bad paging parameters, bad {@code Idempotency-Key} and {@code X-Request-Id} headers. The body
 * fields a route knows are found by asking it (an unknown field answers {@code errors[].code "unknown"});
 * each then gets wrong types, boundary lengths and hostile strings: alone, beside plausible values for the
 * other fields (so the bad one reaches the code behind validation), and in every field at once.
 *
 * <p>What a reader could get wrong: most cases only have to answer below 500 with a proper problem, since
 * a hostile string can be a perfectly good name. Only what is invalid for certain must be a 4xx (broken
 * JSON, a wrong JSON type, NUL, bad UTF-8), and only cases with a status of their own must answer it
 * exactly (400 validation, 404, 405, 413, 415). {@link Findings} lists every bad answer of a run at once.
 */
@ParameterizedClass
@ArgumentsSource(Databases.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BadInputTest {
    private static final Pattern PLACEHOLDER = Pattern.compile("\\{[^/}]+}");
    private static final Pattern REQUEST_ID = Pattern.compile("[A-Za-z0-9._-]{1,64}");
    private static final Set<HandlerType> BODY_METHODS = Set.of(HandlerType.POST, HandlerType.PUT, HandlerType.PATCH);
    /** Every id prefix of SPEC §2 and the internal ones, for well-formed ids that do not exist. */
    private static final List<String> PREFIXES = List.of("ctc", "msg", "cmp", "lst", "imp", "usr", "tnt", "key", "prv",
            "tpl", "ses", "aud");
    private static final String MISSING = "01JD0000000000000000000000";
    private static final int MAX_BODY = 1_048_576;
    private static final String OWNER_EMAIL = "owner@acme.test";
    private static final String OWNER_PASSWORD = "owner-password-a";
    private static final String OPERATOR_EMAIL = "ops@platform.test";
    private static final String OPERATOR_PASSWORD = "operator-password";
    private static final String TAKEN_EMAIL = "owner@beta.test";
    /** The whole-body cases still sent to a route that ignores its body: enough to show it never reads one. */
    private static final Set<String> FOR_BODILESS_ROUTES = Set.of("malformed JSON", "random binary",
            "deeply nested arrays", "unknown fields", "Content-Type text/plain", "Content-Type null");

    @Parameter
    TestDatabase.Kind kind;

    final MovableClock clock = new MovableClock();
    final BadValues values = new BadValues(TAKEN_EMAIL);
    final Random random = new Random(20240601);
    final AtomicInteger addresses = new AtomicInteger();
    final Set<String> precious = new HashSet<>();
    final Map<String, String> realIds = new HashMap<>();
    final Map<String, Shape> shapes = new HashMap<>();
    TestServer server;
    RawHttp raw;
    volatile String ownerToken;
    volatile String operatorToken;
    long startedNanos;

    @BeforeParameterizedClassInvocation
    void start(TestDatabase.Kind kind) {
        startedNanos = System.nanoTime();
        precious.clear(); // one instance serves every database: forget what the previous one taught
        realIds.clear();
        shapes.clear();
        // A client address per request to an open route (behind a "trusted proxy"), so the sweep's own failed
        // logins do not fill the 20-per-address login throttle; other routes are limited per credential.
        server = TestServer.start(kind, Map.of("PARLEY_API_RATE", "100000", "PARLEY_TRUST_PROXY", "true"), clock);
        raw = new RawHttp("127.0.0.1", server.parley().port());
        Http http = server.http();
        var acme = server.tenant("Acme", OWNER_EMAIL, OWNER_PASSWORD);
        server.tenant("Beta", TAKEN_EMAIL, "owner-password-b");
        var operator = server.parley().users().createOperator(OPERATOR_EMAIL, OPERATOR_PASSWORD);
        ownerToken = server.login(OWNER_EMAIL, OWNER_PASSWORD);
        operatorToken = server.login(OPERATOR_EMAIL, OPERATOR_PASSWORD);
        precious.addAll(List.of(acme.tenantId(), acme.adminUserId(), operator.id()));
        // Things the sweep may change at will (the newest of each list), and a second page for every list.
        server.tenant("Sacrificial", "owner@sacrificial.test", "owner-password-s");
        assertThat(http.post("/v1/users").bearer(ownerToken)
                .json(Map.of("email", "victim@acme.test", "role", "agent", "password", "victim-password")).send().status())
                .isEqualTo(201);
        assertThat(http.post("/v1/api-keys").bearer(ownerToken).json(Map.of("name", "victim key", "role", "agent"))
                .send().status()).isEqualTo(201);
    }

    @AfterParameterizedClassInvocation
    void stop() {
        System.out.printf("BadInputTest on %s: %d requests in %.1f s%n", kind, raw.sent(), (System.nanoTime() - startedNanos) / 1e9);
        server.close();
    }

    @Test
    void badBodiesAnswer4xxOnEveryRouteThatTakesOne() {
        Findings f = new Findings(kind.name());
        int readingJson = 0;
        for (Api.Route route : routes()) {
            if (BODY_METHODS.contains(route.method())) {
                String path = realPath(route);
                Shape shape = shape(route, path, f);
                readingJson += shape.readsJson() ? 1 : 0;
                wholeBodyCases(route, path, shape, f);
                if (shape.readsJson()) {
                    fieldCases(route, path, shape, f);
                }
            }
        }
        assertThat(readingJson).as("routes that read a JSON body").isPositive();
        f.assertNone();
    }

    @Test
    void badPathIdsAnswer4xxAndMissingOnes404() {
        Findings f = new Findings(kind.name());
        int withIds = 0;
        for (Api.Route route : routes()) {
            if (!PLACEHOLDER.matcher(route.path()).find()) {
                continue;
            }
            withIds++;
            for (String bad : List.of("abc", "usr_", "usr_%20", enc("' OR '1'='1"), "%00", "a%00b", "x".repeat(300),
                    "usr_" + "0".repeat(300), "..%2F..", "..%2F..%2F..%2Fetc%2Fpasswd", "%2e%2e%2f%2e%2e",
                    enc("<script>alert(1)</script>"), "%FF%FE%FD", "%C3%28", "%uD800", "%", "%zz",
                    enc("\"; DROP TABLE app_user; --"), "usr_01jd0000000000000000000000", "usr_01JD000000000000000000000I",
                    "usr_01JD00000000000000000000000", "%20", enc("😀"), "usr_" + MISSING + ";x=1", "1", "-1", "null",
                    "0x41")) {
                Answer r = send(withBody(request(route.method(), fill(route.path(), bad)), route), route);
                f.check(route, "malformed id " + abbreviate(bad), r, Expect.CLIENT_ERROR);
            }
            for (String prefix : PREFIXES) {
                String id = prefix + "_" + MISSING;
                Answer r = send(withBody(request(route.method(), fill(route.path(), id)), route), route);
                // With a body, checking it first and answering 400 is as right as 404.
                f.check(route, "well-formed missing id " + id, r,
                        BODY_METHODS.contains(route.method()) ? Expect.NOT_FOUND_OR_INVALID : Expect.NOT_FOUND);
            }
            for (String bad : List.of("../../etc/passwd", "a b", "<script>", "\"quoted\"", "x\ty", "é", "{id}")) {
                Request req = withBody(request(route.method(), fill(route.path(), bad)), route).viaSocket();
                f.check(route, "raw path " + abbreviate(bad), send(req, route), Expect.CLIENT_ERROR);
            }
        }
        assertThat(withIds).as("routes with a path id").isPositive();
        f.assertNone();
    }

    @Test
    void badPagingParametersAnswer400OnEveryList() {
        Findings f = new Findings(kind.name());
        int lists = 0;
        int tampered = 0;
        for (Api.Route route : routes()) {
            if (route.method() != HandlerType.GET) {
                continue;
            }
            String path = realPath(route);
            Answer first = send(request(HandlerType.GET, path + "?limit=1"), route);
            f.check(route, "limit=1", first, Expect.BELOW_500);
            JsonNode page = first.status() == 200 ? first.jsonOrNull() : null;
            if (page == null || !page.path("data").isArray() || !page.has("nextCursor")) {
                continue; // not a list
            }
            lists++;
            for (String query : List.of("limit=0", "limit=-1", "limit=201", "limit=abc", "limit=1e9", "limit=1.5",
                    "limit=99999999999", "limit=2147483648", "limit=", "limit=%20", "limit=0x10", "limit=%00",
                    "limit=" + "9".repeat(300), "cursor=garbage", "cursor=.", "cursor=a.b", "cursor=%00.%00",
                    "cursor=" + "A".repeat(300), "cursor=" + "A".repeat(150) + "." + "B".repeat(22),
                    "cursor=" + enc("' OR 1=1 --"), "cursor=" + enc("../../etc/passwd"), "cursor=%FF%FE.%C3%28",
                    "cursor=" + enc("<script>alert(1)</script>"), "cursor=ZZZZ.ZZZZZZZZZZZZZZZZZZZZZZ")) {
                f.check(route, "?" + abbreviate(query), send(request(HandlerType.GET, path + "?" + query), route),
                        Expect.VALIDATION);
            }
            for (String query : List.of("limit=%zz", "cursor=%", "cursor=%G1", "limit=1&limit=abc", "limit[]=1",
                    "unknownParam=1", "limit=1&cursor=", "&&&", "=1")) {
                f.check(route, "?" + query, send(request(HandlerType.GET, path + "?" + query), route), Expect.BELOW_500);
            }
            if (page.get("nextCursor").isNull()) {
                continue;
            }
            tampered++;
            String cursor = page.get("nextCursor").asText();
            Answer genuine = send(request(HandlerType.GET, path + "?limit=1&cursor=" + enc(cursor)), route);
            f.check(route, "the genuine cursor", genuine, Expect.SUCCESS);
            int dot = cursor.indexOf('.');
            for (String forged : List.of(flip(cursor, 0), flip(cursor, dot / 2), flip(cursor, dot - 1),
                    flip(cursor, dot + 1), flip(cursor, cursor.length() - 1), cursor.substring(0, cursor.length() - 1),
                    cursor + "A", cursor.substring(0, dot), cursor.substring(dot), cursor.replace('.', '!'),
                    cursor.toLowerCase(Locale.ROOT), cursor + "." + cursor)) {
                if (!forged.equals(cursor)) {
                    f.check(route, "tampered cursor " + forged,
                            send(request(HandlerType.GET, path + "?cursor=" + enc(forged)), route), Expect.VALIDATION);
                }
            }
        }
        assertThat(lists).as("list routes").isPositive();
        assertThat(tampered).as("lists with a second page, whose cursor was tampered with").isPositive();
        f.assertNone();
    }

    @Test
    void badIdempotencyKeysAnswer400OnEveryCreate() {
        Findings f = new Findings(kind.name());
        Map<String, String> keys = new LinkedHashMap<>();
        keys.put("300 characters", "k".repeat(300));
        keys.put("256 characters", "k".repeat(256));
        keys.put("an inner space", "abc def");
        keys.put("a tab", "abc\tdef");
        keys.put("an empty value", "");
        keys.put("a control character", "abc\u0001def");
        keys.put("DEL", "abc\u007Fdef");
        keys.put("an escape sequence", "abc\u001B[31mdef");
        keys.put("non-ASCII", "ключ-идемпотентности");
        keys.put("a NUL", "abc\u0000def");
        int creates = 0;
        for (Api.Route route : routes()) {
            if (route.idempotent()) {
                creates++;
                for (var e : keys.entrySet()) {
                    // java.net.http refuses most of these; RawHttp then writes them onto a socket.
                    Request req = request(route.method(), realPath(route)).json("{}").header(Idempotency.HEADER, e.getValue());
                    f.check(route, "Idempotency-Key with " + e.getKey(), send(req, route), Expect.VALIDATION);
                }
            }
        }
        assertThat(creates).as("create routes").isPositive();
        f.assertNone();
    }

    @Test
    void illegalRequestIdsAreReplacedWithFreshOnes() {
        Findings f = new Findings(kind.name());
        List<String> illegal = List.of("<script>alert(1)</script>", "a\u0001b", "a b", "ключ", "x".repeat(65),
                "a\u007Fb", "../../etc/passwd", "\u00ff\u00fe", "' OR 1=1 --", "a\u0000b", "a/b", "");
        int i = 0;
        for (Api.Route route : routes()) {
            for (int n = 0; n < 2; n++, i++) {
                String bad = illegal.get(i % illegal.size());
                Request req = withBody(request(route.method(), fill(route.path(), "usr_" + MISSING)), route)
                        .header(RequestIds.HEADER, bad);
                Answer r = send(req, route);
                f.check(route, "X-Request-Id " + printable(bad), r, Expect.BELOW_500);
                String echoed = r.header("x-request-id");
                if (echoed == null || echoed.equals(bad) || !REQUEST_ID.matcher(echoed).matches()) {
                    f.fail(route, "X-Request-Id " + printable(bad), r, "echoed X-Request-Id " + printable(echoed)
                            + " instead of a fresh one");
                }
            }
        }
        // A legal one is kept, so the check above does not pass for a server that ignores the header.
        Answer kept = send(request(HandlerType.GET, "/v1/auth/me").bearer(ownerToken)
                .header(RequestIds.HEADER, "Legal-id_1.2"), null);
        assertThat(kept.header("x-request-id")).isEqualTo("Legal-id_1.2");
        f.assertNone();
    }

    private static boolean shadowedByParameter(Map<String, Set<HandlerType>> methods, String path, HandlerType m) {
        String[] parts = path.split("/");
        for (var other : methods.entrySet()) {
            String[] o = other.getKey().split("/");
            if (other.getKey().equals(path) || o.length != parts.length || !other.getValue().contains(m)) {
                continue;
            }
            boolean matches = true;
            for (int i = 0; i < o.length && matches; i++) {
                matches = o[i].equals(parts[i]) || o[i].startsWith("{");
            }
            if (matches) {
                return true;
            }
        }
        return false;
    }

    @Test
    void unregisteredMethodsAnswer405() {
        Findings f = new Findings(kind.name());
        Map<String, Set<HandlerType>> methods = new TreeMap<>();
        for (Api.Route route : routes()) {
            methods.computeIfAbsent(route.path(), p -> new HashSet<>()).add(route.method());
        }
        for (var e : methods.entrySet()) {
            for (HandlerType m : List.of(HandlerType.GET, HandlerType.POST, HandlerType.PUT, HandlerType.PATCH,
                    HandlerType.DELETE)) {
                if (!e.getValue().contains(m)) {
                    Request req = request(m, fill(e.getKey(), "usr_" + MISSING)).bearer(ownerToken);
                    if (BODY_METHODS.contains(m)) {
                        req.json("{}");
                    }
                    // Where another route of this method matches the same path by its parameter (GET /v1/imports/preview
                    // is GET /v1/imports/{id} with id "preview"), a 404 for that id is the right answer.
                    boolean shadowed = shadowedByParameter(methods, e.getKey(), m);
                    f.check(null, m + " " + e.getKey(), send(req, null), shadowed ? Expect.NOT_FOUND : Expect.exactly(405));
                }
            }
        }
        f.assertNone();
    }

    /** The statuses of SPEC §2 spelled out once on a known route; the sweeps assert them on every route. */
    @Test
    void malformedWrongMediaTypeOversizedAndUnknownFieldAnswerTheirOwnStatus() {
        Answer malformed = send(request(HandlerType.POST, "/v1/users").bearer(ownerToken).json("{\"a\":"), null);
        assertThat(malformed.status()).isEqualTo(400);
        assertThat(malformed.json().get("type").asText()).isEqualTo("/problems/validation");
        assertThat(malformed.json().get("errors").get(0).get("code").asText()).isEqualTo("malformed");

        for (String type : new String[] {"text/plain", "application/xml", null}) {
            Answer wrongType = send(request(HandlerType.POST, "/v1/users").bearer(ownerToken)
                    .body(type, utf8("{\"email\":\"a@b.test\",\"role\":\"agent\"}")), null);
            assertThat(wrongType.status()).as("Content-Type %s", type).isEqualTo(415);
            assertThat(wrongType.json().get("type").asText()).isEqualTo("/problems/unsupported-media-type");
        }

        Answer oversized = send(request(HandlerType.POST, "/v1/users").bearer(ownerToken)
                .body("application/json", oversizeBody()), null);
        assertThat(oversized.status()).isEqualTo(413);
        assertThat(oversized.json().get("type").asText()).isEqualTo("/problems/payload-too-large");

        Answer unknown = send(request(HandlerType.POST, "/v1/users").bearer(ownerToken)
                .json("{\"email\":\"a@b.test\",\"role\":\"agent\",\"rol\":\"admin\"}"), null);
        assertThat(unknown.status()).isEqualTo(400);
        assertThat(unknown.json().get("errors").get(0).get("code").asText()).isEqualTo("unknown");
        assertThat(unknown.json().get("errors").get(0).get("field").asText()).isEqualTo("rol");

        Answer wrongType = send(request(HandlerType.PATCH, "/v1/settings").bearer(ownerToken).json("{\"name\":12}"), null);
        assertThat(wrongType.status()).isEqualTo(400);
        assertThat(wrongType.json().get("errors").get(0).get("code").asText()).isEqualTo("type");

        Answer missing = send(request(HandlerType.GET, "/v1/users/usr_" + MISSING).bearer(ownerToken), null);
        assertThat(missing.status()).isEqualTo(404);
        assertThat(missing.json().get("type").asText()).isEqualTo("/problems/not-found");
    }

    /** Found by reading the code: a window listing a day 10,000 times passed the checks and broke the UPDATE. */
    @Test
    void aSendWindowListingADayTenThousandTimesIsRefused() {
        String days = "[" + String.join(",", Collections.nCopies(10_000, "\"MON\"")) + "]";
        Answer r = send(request(HandlerType.PATCH, "/v1/settings").bearer(ownerToken)
                .json("{\"defaultSendWindow\":{\"days\":" + days + ",\"from\":\"09:00\",\"to\":\"17:00\"}}"), null);
        assertThat(r.status()).as(r.toString()).isEqualTo(400);
    }

    private void wholeBodyCases(Api.Route route, String path, Shape shape, Findings f) {
        Expect invalid = shape.readsJson() ? Expect.CLIENT_ERROR : Expect.BELOW_500;
        Expect malformed = shape.readsJson() ? Expect.VALIDATION : Expect.BELOW_500;
        Predicate<String> wanted = label -> shape.readsJson() || FOR_BODILESS_ROUTES.contains(label);

        Map<String, byte[]> broken = new LinkedHashMap<>();
        broken.put("malformed JSON", utf8("{\"a\":"));
        broken.put("truncated JSON", utf8("{\"email\":\"someone@acme.te"));
        broken.put("a lone brace", utf8("}"));
        broken.put("trailing garbage", utf8("{} xyz"));
        broken.put("two objects", utf8("{}{}"));
        broken.put("single quotes", utf8("{'email':'a@b.test'}"));
        broken.put("a comment", utf8("{/* hi */}"));
        broken.put("a BOM and garbage", concat(new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF}, utf8("{\"a\"")));
        broken.put("random binary", randomBytes(4096));
        broken.put("deeply nested arrays", utf8("[".repeat(10_000) + "]".repeat(10_000)));
        broken.put("deeply nested arrays, unclosed", utf8("[".repeat(10_000)));
        broken.put("deeply nested objects", utf8("{\"a\":".repeat(5_000) + "1" + "}".repeat(5_000)));
        broken.put("a huge number literal", utf8("1" + "0".repeat(100_000)));
        broken.put("a huge number in a field", utf8("{\"name\":1" + "0".repeat(100_000) + "}"));
        broken.put("a raw NUL byte in a string", concat(utf8("{\"name\":\"a"), new byte[] {0}, utf8("b\"}")));
        broken.put("invalid UTF-8 in a string", concat(utf8("{\"name\":\"a"), new byte[] {(byte) 0xC3, 0x28, (byte) 0xFF},
                utf8("b\"}")));
        broken.put("overlong UTF-8 in a string", concat(utf8("{\"name\":\"a"), new byte[] {(byte) 0xC0, (byte) 0xAF},
                utf8("b\"}")));
        broken.put("a UTF-16 body", "{\"name\":\"x\"}".getBytes(StandardCharsets.UTF_16LE));
        broken.keySet().removeIf(wanted.negate());
        for (var e : broken.entrySet()) {
            f.check(route, e.getKey(), send(request(route.method(), path).body("application/json", e.getValue()), route),
                    malformed);
        }

        Map<String, String> wrong = new LinkedHashMap<>();
        wrong.put("a JSON array", "[]");
        wrong.put("an array of objects", "[{\"name\":\"x\"}]");
        wrong.put("a bare string", "\"hello\"");
        wrong.put("a bare number", "42");
        wrong.put("true", "true");
        wrong.put("null", "null");
        wrong.put("an empty body", "");
        wrong.put("whitespace", "  \n\t ");
        wrong.put("wrong types for likely fields",
                "{\"email\": 12, \"name\": [], \"role\": {}, \"password\": true, \"disabled\": \"yes\"}");
        wrong.put("unknown fields", "{\"zzNotAField\": 1, \"another\": \"x\"}");
        wrong.put("a duplicate field", "{\"name\":\"a\",\"name\":\"b\",\"zzNotAField\":1}");
        wrong.put("a 100,000-character field name", "{\"" + "k".repeat(100_000) + "\":1}");
        wrong.put("an escaped NUL in a field name", "{\"na\\u0000me\":\"x\"}");
        wrong.keySet().removeIf(wanted.negate());
        for (var e : wrong.entrySet()) {
            f.check(route, e.getKey(), send(request(route.method(), path).json(e.getValue()), route), invalid);
        }

        if (shape.readsJson()) {
            // Hostile strings in likely fields: the field cases put them into the fields the route knows.
            for (String value : List.of("x".repeat(100_000), "a\u0000b", "\ud800", "' OR 1=1 --",
                    "\"; DROP TABLE app_user; --", "../../etc/passwd", "<script>alert(1)</script>")) {
                String body = "{\"email\":" + q(value) + ",\"name\":" + q(value) + ",\"role\":" + q(value)
                        + ",\"password\":" + q(value) + ",\"disabled\":" + q(value) + "}";
                f.check(route, "likely fields = " + printable(value), send(request(route.method(), path).json(body), route),
                        invalid);
            }
        }

        Expect unsupported = shape.readsJson() ? Expect.exactly(415) : Expect.BELOW_500;
        for (String type : new String[] {"text/plain", "application/xml", "application/x-www-form-urlencoded",
                "multipart/form-data; boundary=x", "application/octet-stream", "text/json", "json", ";;;",
                "application/jsonx", "application/json-patch+json", "application/json5", "application/javascript",
                "APPLICATION/XML; charset=utf-8", null}) {
            if (wanted.test("Content-Type " + type)) {
                f.check(route, "Content-Type " + type, send(request(route.method(), path).body(type, utf8("{}")), route),
                        unsupported);
            }
        }

        // 413 is decided before any route runs, so it holds for every route with a JSON body. Upload routes take
        // files up to the import limit, so the same body is merely the wrong media type for them.
        Expect oversized = route.upload() ? Expect.CLIENT_ERROR : Expect.exactly(413);
        f.check(route, "an oversized body", send(request(route.method(), path).body("application/json", oversizeBody()), route),
                oversized);
        f.check(route, "an oversized chunked body",
                send(request(route.method(), path).body("application/json", oversizeBody()).chunked(), route),
                shape.readsJson() ? Expect.exactly(413) : Expect.BELOW_500);
        for (String length : List.of("2000000", "99999999999")) {
            Request lying = request(route.method(), path).json("{}").header("Content-Length", length).declaredLengthOnly();
            f.check(route, "Content-Length " + length + " with a 2-byte body", send(lying, route),
                    route.upload() && length.equals("2000000") ? Expect.CLIENT_ERROR : Expect.exactly(413));
        }
        Request cutShort = request(route.method(), path).json("{}").header("Content-Length", "100")
                .declaredLengthOnly().halfClose();
        f.check(route, "a body shorter than its Content-Length", send(cutShort, route), malformed);
    }

    /** Wrong types, boundary lengths and hostile values in every field the route knows. */
    private void fieldCases(Api.Route route, String path, Shape shape, Findings f) {
        List<Runnable> probes = new ArrayList<>();
        List<List<String>> leaves = new ArrayList<>();
        collectLeaves(shape.fields(), List.of(), leaves);
        for (List<String> at : leaves) {
            Field field = fieldAt(shape.fields(), at);
            Kind expected = field.isObject() ? Kind.OBJECT : Kind.of(values.plausible(field.name()));
            for (Value v : values.forField(field.name())) {
                probes.add(() -> {
                    Expect expect = v.mustRefuse() || v.kind().wrongFor(expected) ? Expect.CLIENT_ERROR : Expect.BELOW_500;
                    String label = String.join(".", at) + " = " + v.label();
                    Answer alone = send(request(route.method(), path)
                            .body("application/json", BadValues.with(null, at, v.json())), route);
                    f.check(route, label + " (alone)", alone, expect);
                    Map<String, Object> base = values.plausibleBody(shape.fields());
                    if (!base.isEmpty() && !refusedWhateverTheRest(alone, String.join(".", at))) {
                        Answer beside = send(request(route.method(), path)
                                .body("application/json", BadValues.with(base, at, v.json())), route);
                        f.check(route, label + " (beside plausible values)", beside, expect);
                    }
                });
            }
        }
        for (Value v : BadValues.forEveryField()) {
            probes.add(() -> {
                Map<String, Object> all = new LinkedHashMap<>();
                boolean wrongSomewhere = false;
                for (Field field : shape.fields().values()) {
                    all.put(field.name(), new RawJson(v.json()));
                    Kind expected = field.isObject() ? Kind.OBJECT : Kind.of(values.plausible(field.name()));
                    wrongSomewhere |= v.kind().wrongFor(expected);
                }
                Expect expect = v.mustRefuse() || wrongSomewhere ? Expect.CLIENT_ERROR : Expect.BELOW_500;
                f.check(route, "every field = " + v.label(),
                        send(request(route.method(), path).body("application/json", BadValues.render(all)), route), expect);
            });
        }
        runInParallel(probes);
    }

    /**
     * Runs independent probes on a few threads: most of the sweep's time is the server hashing passwords
     * (logins, creates), which a second core halves. It also puts concurrent bad requests to the server.
     */
    private static void runInParallel(List<Runnable> probes) {
        try (var pool = Executors.newFixedThreadPool(3)) {
            List<Future<?>> running = probes.stream().<Future<?>>map(pool::submit).toList();
            for (Future<?> probe : running) {
                try {
                    probe.get();
                } catch (ExecutionException e) {
                    throw new AssertionError("a probe failed", e.getCause());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new AssertionError(e);
                }
            }
        }
    }

    /** What the sweep learnt about a route's body: whether it reads JSON, and the fields it knows. */
    record Shape(boolean readsJson, Map<String, Field> fields) {}

    private Shape shape(Api.Route route, String path, Findings f) {
        Shape known = shapes.get(route.method() + " " + route.path());
        if (known != null) {
            return known;
        }
        Answer malformed = send(request(route.method(), path).json("{\"a\":"), route);
        Answer plain = send(request(route.method(), path).body("text/plain", utf8("{}")), route);
        f.check(route, "probe: malformed JSON", malformed, Expect.BELOW_500);
        f.check(route, "probe: text/plain", plain, Expect.BELOW_500);
        boolean readsJson = malformed.status() == 400 || plain.status() == 415;
        Map<String, Field> fields = readsJson ? discover(route, path, List.of(), f) : Map.of();
        if (readsJson && (fields == null || fields.isEmpty())) {
            f.fail(route, "field discovery", null, "no field of BadValues.CANDIDATE_FIELDS is known here;"
                    + " add this route's fields there so the field cases reach it");
        }
        Shape shape = new Shape(readsJson, fields == null ? Map.of() : fields);
        shapes.put(route.method() + " " + route.path(), shape);
        return shape;
    }

    /** The fields known at {@code at} (two levels deep at most), or null for a free-form object. */
    private Map<String, Field> discover(Api.Route route, String path, List<String> at, Findings f) {
        Answer nonsense = send(request(route.method(), path)
                .body("application/json", BadValues.with(null, append(at, "zzNotAField"), utf8("null"))), route);
        if (!isUnknownField(nonsense)) {
            if (at.isEmpty()) {
                f.fail(route, "an unknown field", nonsense, "expected 400 with errors[].code \"unknown\"");
            }
            return null; // attributes, metadata: any key goes
        }
        Map<String, Field> fields = new LinkedHashMap<>();
        for (String name : BadValues.CANDIDATE_FIELDS) {
            List<String> here = append(at, name);
            Answer r = send(request(route.method(), path).body("application/json", BadValues.with(null, here, utf8("null"))), route);
            f.check(route, "discovery: " + String.join(".", here) + " = null", r, Expect.BELOW_500);
            if (isUnknownField(r)) {
                continue;
            }
            Map<String, Field> inner = null;
            if (at.size() < 2) {
                Answer object = send(request(route.method(), path)
                        .body("application/json", BadValues.with(null, here, utf8("{}"))), route);
                f.check(route, "discovery: " + String.join(".", here) + " = {}", object, Expect.BELOW_500);
                if (!hasError(object, "type", String.join(".", here))) {
                    inner = discover(route, path, here, f);
                    inner = inner == null || inner.isEmpty() ? null : inner;
                }
            }
            fields.put(name, new Field(name, inner));
        }
        return fields;
    }

    /**
     * Whether the answer refused the body while reading it (broken JSON, a wrong type, NUL) or refused this
     * very field's value: neither depends on the other fields, so the same value beside plausible ones
     * would prove nothing more (and would cost the server a password hash on the auth routes).
     */
    private static boolean refusedWhateverTheRest(Answer r, String field) {
        JsonNode json = r.status() == 400 ? r.jsonOrNull() : null;
        if (json != null) {
            for (JsonNode e : json.path("errors")) {
                String code = e.path("code").asText();
                if (Set.of("type", "malformed", "unknown").contains(code) || e.path("message").asText().contains("NUL")
                        || (e.path("field").asText().equals(field) && !code.equals("required"))) {
                    return true;
                }
            }
        }
        return false;
    }

    private static boolean isUnknownField(Answer r) {
        return hasError(r, "unknown", "");
    }

    private static boolean hasError(Answer r, String code, String fieldPrefix) {
        JsonNode json = r.status() == 400 ? r.jsonOrNull() : null;
        if (json != null) {
            for (JsonNode e : json.path("errors")) {
                if (code.equals(e.path("code").asText()) && e.path("field").asText().startsWith(fieldPrefix)) {
                    return true;
                }
            }
        }
        return false;
    }

    private static void collectLeaves(Map<String, Field> fields, List<String> at, List<List<String>> out) {
        for (Field field : fields.values()) {
            List<String> here = append(at, field.name());
            out.add(here); // an object gets whole-value cases as well as cases for its own fields
            if (field.isObject()) {
                collectLeaves(field.fields(), here, out);
            }
        }
    }

    private static Field fieldAt(Map<String, Field> fields, List<String> at) {
        Field field = fields.get(at.getFirst());
        for (String name : at.subList(1, at.size())) {
            field = field.fields().get(name);
        }
        return field;
    }

    private List<Api.Route> routes() {
        List<Api.Route> routes = server.parley().routes();
        assertThat(routes).isNotEmpty();
        return routes;
    }

    private String tokenFor(Api.Route route) {
        return switch (route.access()) {
            case Access.Open open -> null;
            case Access.Operator operator -> operatorToken;
            case Access.TenantRole role -> ownerToken;
            case Access.Authenticated any -> ownerToken;
        };
    }

    /** The route's path with each placeholder replaced by a real id the sweep may change. */
    private String realPath(Api.Route route) {
        Matcher m = PLACEHOLDER.matcher(route.path());
        StringBuilder out = new StringBuilder();
        int last = 0;
        while (m.find()) {
            String collection = out + route.path().substring(last, m.start() - 1);
            out.append(route.path(), last, m.start()).append(realId(collection));
            last = m.end();
        }
        return out.append(route.path().substring(last)).toString();
    }

    /** The newest id in the collection's list that the sweep does not depend on, else a missing one. */
    private String realId(String collection) {
        return realIds.computeIfAbsent(collection, c -> {
            for (Api.Route list : routes()) {
                if (list.method() == HandlerType.GET && list.path().equals(c)) {
                    Answer r = send(request(HandlerType.GET, c + "?limit=200"), list);
                    for (JsonNode item : r.status() == 200 ? r.json().path("data") : Json.mapper().createArrayNode()) {
                        String id = item.path("id").asText(null);
                        if (id != null && !precious.contains(id)) {
                            return id;
                        }
                    }
                }
            }
            return "zzz_" + MISSING;
        });
    }

    private static String fill(String path, String value) {
        return PLACEHOLDER.matcher(path).replaceAll(Matcher.quoteReplacement(value));
    }

    /** Body-carrying methods get an empty JSON object, so that only the path or a header is bad. */
    private static Request withBody(Request req, Api.Route route) {
        return route != null && BODY_METHODS.contains(route.method()) ? req.json("{}") : req;
    }

    private static Request request(HandlerType method, String target) {
        return new Request(method.name(), target);
    }

    /**
     * Sends a request of the sweep with the route's credential and, for an open route, a client address of
     * its own. A success may have ended a session the sweep relies on (a logout), so credentials are checked.
     */
    private Answer send(Request req, Api.Route route) {
        boolean open = route != null && route.access() instanceof Access.Open;
        if (route != null && !open && !req.has("Authorization")) {
            req.bearer(tokenFor(route));
        }
        if (open && !req.has("X-Forwarded-For")) {
            int n = addresses.incrementAndGet();
            req.header("X-Forwarded-For", "198.18." + (n >> 8 & 255) + "." + (n & 255));
        }
        Answer r = raw.send(req);
        if (r.status() == 429 && open) {
            synchronized (clock) {
                clock.advance(Duration.ofMinutes(16)); // an account's failed logins filled its throttling window
            }
            r = raw.send(req);
        }
        if (r.status() >= 200 && r.status() < 300 && !req.method().equals("GET")) {
            refreshCredentials();
        }
        return r;
    }

    private synchronized void refreshCredentials() {
        if (raw.send(request(HandlerType.GET, "/v1/auth/me").bearer(ownerToken)).status() == 401) {
            ownerToken = server.login(OWNER_EMAIL, OWNER_PASSWORD);
        }
        if (raw.send(request(HandlerType.GET, "/v1/auth/me").bearer(operatorToken)).status() == 401) {
            operatorToken = server.login(OPERATOR_EMAIL, OPERATOR_PASSWORD);
        }
    }

    private static byte[] oversizeBody() {
        byte[] body = new byte[MAX_BODY + 1024];
        java.util.Arrays.fill(body, (byte) ' ');
        body[0] = '{';
        body[body.length - 1] = '}';
        return body;
    }

    private byte[] randomBytes(int n) {
        byte[] b = new byte[n];
        random.nextBytes(b);
        return b;
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private static List<String> append(List<String> list, String item) {
        List<String> out = new ArrayList<>(list);
        out.add(item);
        return out;
    }

    private static String flip(String s, int at) {
        if (at < 0 || at >= s.length()) {
            return s;
        }
        char c = s.charAt(at);
        return s.substring(0, at) + (c == 'A' ? 'B' : c == '.' ? '_' : 'A') + s.substring(at + 1);
    }

    private static String printable(String s) {
        if (s == null) {
            return "null";
        }
        StringBuilder b = new StringBuilder();
        for (char c : abbreviate(s).toCharArray()) {
            b.append(c < 0x20 || c == 0x7F ? String.format("\\u%04x", (int) c) : String.valueOf(c));
        }
        return b.toString();
    }

    private static String abbreviate(String s) {
        return s == null || s.length() <= 120 ? s : s.substring(0, 100) + "…(" + s.length() + " chars)";
    }
}

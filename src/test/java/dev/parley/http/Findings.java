package dev.parley.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.parley.testing.RawHttp;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * What {@link BadInputTest} saw go wrong, collected so one run reports every bad answer instead of the
 * first. Every answer must be below 500 and what its {@link Expect} allows; every 4xx must be the problem
 * of SPEC §2: {@code application/problem+json}, {@code status} equal to the HTTP status, a
 * {@code /problems/} type and a {@code requestId} equal to the echoed {@code X-Request-Id}.
 */
final class Findings {
    /** What an answer to one case must be. */
    record Expect(String what, int low, int high, String type) {
        static final Expect BELOW_500 = new Expect("below 500", 100, 499, null);
        static final Expect CLIENT_ERROR = new Expect("4xx", 400, 499, null);
        static final Expect VALIDATION = new Expect("400 /problems/validation", 400, 400, "/problems/validation");
        static final Expect NOT_FOUND = new Expect("404", 404, 404, "/problems/not-found");
        static final Expect NOT_FOUND_OR_INVALID = new Expect("404, 400 or 415", 400, 415, null);
        static final Expect SUCCESS = new Expect("2xx", 200, 299, null);

        static Expect exactly(int status) {
            return new Expect(Integer.toString(status), status, status, null);
        }

        boolean allows(int status) {
            if (this == NOT_FOUND_OR_INVALID) {
                return status == 400 || status == 404 || status == 415;
            }
            return status >= low && status <= high;
        }
    }

    private final String database;
    private final Set<String> problems = new LinkedHashSet<>();
    private int checked;

    Findings(String database) {
        this.database = database;
    }

    synchronized void check(Api.Route route, String label, RawHttp.Answer r, Expect expect) {
        checked++;
        if (r.status() >= 500 || r.status() < 100) {
            fail(route, label, r, "a server error or no answer");
            return;
        }
        if (!expect.allows(r.status())) {
            fail(route, label, r, "expected " + expect.what());
        }
        if (r.status() >= 400 && route != null && route.path().startsWith("/u/")
                && r.header("Content-Type") != null && r.header("Content-Type").startsWith("text/html")) {
            // Unsubscribe links are pages for people: the page's own errors are HTML; protocol-level ones
            // (a malformed request line, an oversized body) stay problem documents and are checked below.
            return;
        }
        if (r.status() >= 400) {
            String defect = problemDefect(r);
            if (defect != null) {
                fail(route, label, r, defect);
            } else if (expect.type() != null && !expect.type().equals(r.json().path("type").asText())) {
                fail(route, label, r, "expected type " + expect.type());
            }
        }
    }

    synchronized void fail(Api.Route route, String label, RawHttp.Answer r, String why) {
        String where = route == null ? "" : route.method() + " " + route.path() + ": ";
        problems.add((where + label + " — " + why + (r == null ? "" : " — got " + r)).replace('\n', ' '));
    }

    synchronized void assertNone() {
        assertThat(checked + problems.size()).as("answers checked").isPositive();
        if (!problems.isEmpty()) {
            problems.forEach(p -> System.out.println("BAD ANSWER " + database + ": " + p));
            List<String> shown = problems.stream().limit(60).toList();
            throw new AssertionError(problems.size() + " bad answers on " + database + ":\n  "
                    + String.join("\n  ", shown) + (problems.size() > shown.size() ? "\n  … (all of them on stdout)" : ""));
        }
    }

    /** Why a 4xx answer is not the problem SPEC §2 demands, or null when it is. */
    static String problemDefect(RawHttp.Answer r) {
        String type = r.header("content-type");
        if (type == null || !type.startsWith(Problems.CONTENT_TYPE)) {
            return "Content-Type " + type + " instead of " + Problems.CONTENT_TYPE;
        }
        JsonNode json = r.jsonOrNull();
        if (json == null || !json.isObject()) {
            return "the problem is not a JSON object";
        }
        if (json.path("status").asInt(-1) != r.status()) {
            return "problem status " + json.path("status") + " differs from the HTTP status";
        }
        if (!json.path("type").asText("").startsWith("/problems/")) {
            return "a problem without a /problems/ type";
        }
        String requestId = json.path("requestId").asText("");
        if (requestId.isEmpty()) {
            return "a problem without a requestId";
        }
        if (!requestId.equals(r.header("x-request-id"))) {
            return "problem requestId " + requestId + " differs from X-Request-Id " + r.header("x-request-id");
        }
        return null;
    }
}

package dev.parley.app;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import dev.parley.core.Json;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * The small HTTP client {@code parley demo} sets up its tenant with: Parley's own {@code /v1} API called
 * with the demo's API key, exactly as a user's script would, and the simulator's SendGrid settings API.
 * An answer outside 2xx is a value ({@link Answer#ok()} false), never an exception; only a failed
 * connection throws, since both servers run in this very process and should always answer.
 */
final class DemoApi {
    private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private final String base;
    private final String authorization;

    DemoApi(String base, String authorization) {
        this.base = base;
        this.authorization = authorization;
    }

    /** One answer: the status and the body as JSON (a missing node when it was empty or not JSON). */
    record Answer(int status, JsonNode body, String text) {
        boolean ok() {
            return status >= 200 && status < 300;
        }

        /** A problem answer's detail, for messages to the user. */
        String detail() {
            String detail = body.path("detail").asText("");
            return status + (detail.isEmpty() ? " " + text : " " + detail);
        }
    }

    Answer get(String path) {
        return send(request(path).GET());
    }

    Answer post(String path, Object body) {
        return send(json(request(path), "POST", body));
    }

    Answer patch(String path, Object body) {
        return send(json(request(path), "PATCH", body));
    }

    Answer put(String path, Object body) {
        return send(json(request(path), "PUT", body));
    }

    Answer postCsv(String path, String csv) {
        return send(request(path).header("Content-Type", "text/csv; charset=utf-8")
                .POST(HttpRequest.BodyPublishers.ofString(csv)));
    }

    /** A 2xx answer's body, or an exception naming what was being done and what the server said. */
    JsonNode expect(String doing, Answer answer) {
        if (!answer.ok()) {
            throw new IllegalStateException("parley demo could not " + doing + ": " + answer.detail());
        }
        return answer.body();
    }

    private HttpRequest.Builder request(String path) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30));
        if (authorization != null) {
            b.header("Authorization", authorization);
        }
        return b;
    }

    private static HttpRequest.Builder json(HttpRequest.Builder b, String method, Object body) {
        return b.header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofString(Json.write(body)));
    }

    private static Answer send(HttpRequest.Builder b) {
        HttpRequest request = b.build();
        try {
            HttpResponse<String> r = CLIENT.send(request, HttpResponse.BodyHandlers.ofString());
            JsonNode body = MissingNode.getInstance();
            if (!r.body().isBlank()) {
                try {
                    body = Json.mapper().readTree(r.body());
                } catch (IOException notJson) {
                    // Kept as text only.
                }
            }
            return new Answer(r.statusCode(), body, r.body());
        } catch (IOException e) {
            throw new IllegalStateException("parley demo could not reach " + request.uri() + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while calling " + request.uri(), e);
        }
    }
}

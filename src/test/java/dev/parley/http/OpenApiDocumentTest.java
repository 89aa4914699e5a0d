package dev.parley.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.parley.testing.Http;
import dev.parley.testing.TestDatabase;
import dev.parley.testing.TestServer;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The hand-kept OpenAPI document and the registered routes must describe the same API (/v1, /hooks, /u). */
class OpenApiDocumentTest {
    static TestServer server;

    @BeforeAll
    static void start() {
        server = TestServer.start(TestDatabase.Kind.H2);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void everyRegisteredV1RouteIsDocumentedAndNothingElse() {
        Set<String> registered = new TreeSet<>();
        for (Api.Route r : server.parley().routes()) {
            registered.add(r.method().name() + " " + r.path());
        }
        JsonNode doc = server.http().get("/openapi.json").send().json();
        Set<String> documented = new TreeSet<>();
        doc.get("paths").properties().forEach(path -> {
            if (path.getKey().startsWith("/v1/") || path.getKey().startsWith("/hooks/") || path.getKey().startsWith("/u/")) {
                path.getValue().properties().forEach(op -> {
                    if (Set.of("get", "post", "put", "patch", "delete").contains(op.getKey())) {
                        documented.add(op.getKey().toUpperCase(Locale.ROOT) + " " + path.getKey());
                    }
                });
            }
        });
        assertThat(registered).isNotEmpty();
        assertThat(documented).as("documented but not registered").isSubsetOf(registered);
        assertThat(registered).as("registered but not documented").isSubsetOf(documented);
    }

    @Test
    void createRoutesDocumentTheIdempotencyKey() {
        JsonNode doc = server.http().get("/openapi.json").send().json();
        for (Api.Route r : server.parley().routes()) {
            if (r.idempotent()) {
                JsonNode op = doc.get("paths").get(r.path()).get("post");
                assertThat(op.get("parameters").toString()).as(r.path()).containsAnyOf("IdempotencyKey", "Idempotency-Key");
            }
        }
    }

    @Test
    void docsPageRendersTheDocumentFromParleyItself() {
        Http.Response page = server.http().get("/docs").send();
        assertThat(page.status()).isEqualTo(200);
        assertThat(page.body()).contains("/webjars/swagger-ui/").doesNotContain("https://").doesNotContain("http://");
        assertThat(page.body()).doesNotContainPattern("<script>[^<]");
        Http.Response script = server.http().get("/docs/docs.js").send();
        assertThat(script.body()).contains("/openapi.json");
        for (String asset : page.body().split("\"")) {
            if (asset.startsWith("/webjars/")) {
                assertThat(server.http().get(asset).send().status()).as(asset).isEqualTo(200);
            }
        }
    }
}

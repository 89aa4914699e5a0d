package dev.parley.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.parley.testing.Databases;
import dev.parley.testing.Http;
import dev.parley.testing.ParleyProcess;
import dev.parley.testing.TestDatabase;
import java.io.IOException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ArgumentsSource;

/**
 * SPEC §1 "Running Parley" against the packaged jar, each command a separate OS process: administrative
 * commands beside a running server, SIGTERM, configuration errors, help and version, JSON logs, and the
 * start-to-ready time (printed, never asserted). Every process started here is ended in a
 * try-with-resources block.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class CliProcessIT {

    @ParameterizedTest(name = "{0}")
    @ArgumentsSource(Databases.class)
    void tenantCreateWorksWhileAServerRunsOnTheSameDataDir(TestDatabase.Kind kind) {
        try (TestDatabase db = TestDatabase.create(kind); ParleyProcess server = ParleyProcess.serve(db.settings())) {
            Map<String, String> env = db.settings();
            Http http = server.http();

            // With a password: exactly tenantId, adminUserId, apiKey.
            ParleyProcess.Result created = ParleyProcess.run(env, "tenant", "create", "--name", "Acme Process",
                    "--admin-email", "owner@acme.test", "--admin-password", "owner-password-1");
            assertThat(created.exitCode()).as(created.toString()).isZero();
            JsonNode tenant = created.singleJsonObject();
            assertThat(fieldNames(tenant)).containsExactly("tenantId", "adminUserId", "apiKey");
            assertThat(tenant.get("tenantId").asText()).startsWith("tnt_");
            assertThat(tenant.get("adminUserId").asText()).startsWith("usr_");
            String apiKey = tenant.get("apiKey").asText();
            assertThat(apiKey).startsWith("pk_");

            Http.Response me = http.get("/v1/auth/me").bearer(apiKey).send();
            assertThat(me.status()).as(me.toString()).isEqualTo(200);
            assertThat(me.json().at("/tenant/name").asText()).isEqualTo("Acme Process");
            assertThat(me.json().at("/tenant/id").asText()).isEqualTo(tenant.get("tenantId").asText());
            assertThat(me.json().get("credential").asText()).isEqualTo("apiKey");
            assertThat(me.json().get("role").asText()).isEqualTo("owner");
            Http.Response ownerLogin = login(http, "owner@acme.test", "owner-password-1");
            assertThat(ownerLogin.status()).as(ownerLogin.toString()).isEqualTo(200);

            // Without a password: a generated one is printed, and it logs in.
            ParleyProcess.Result generated = ParleyProcess.run(env, "tenant", "create", "--name", "Beta Process",
                    "--admin-email", "owner@beta.test");
            assertThat(generated.exitCode()).as(generated.toString()).isZero();
            JsonNode beta = generated.singleJsonObject();
            assertThat(fieldNames(beta)).containsExactly("tenantId", "adminUserId", "apiKey", "adminPassword");
            String password = beta.get("adminPassword").asText();
            assertThat(password).hasSizeGreaterThanOrEqualTo(10);
            Http.Response betaLogin = login(http, "owner@beta.test", password);
            assertThat(betaLogin.status()).as(betaLogin.toString()).isEqualTo(200);
            assertThat(betaLogin.json().at("/user/id").asText()).isEqualTo(beta.get("adminUserId").asText());
            Http.Response betaMe = http.get("/v1/auth/me").bearer(betaLogin.json().get("token").asText()).send();
            assertThat(betaMe.status()).isEqualTo(200);
            assertThat(betaMe.json().at("/tenant/name").asText()).isEqualTo("Beta Process");
            assertThat(betaMe.json().get("credential").asText()).isEqualTo("session");

            // An operator, who can log in to the running server at once.
            ParleyProcess.Result operator = ParleyProcess.run(env, "operator", "create", "--email", "ops@parley.test",
                    "--password", "operator-password-1");
            assertThat(operator.exitCode()).as(operator.toString()).isZero();
            JsonNode op = operator.singleJsonObject();
            assertThat(op.get("operatorUserId").asText()).startsWith("usr_");
            assertThat(op.has("password")).isFalse();
            Http.Response opLogin = login(http, "ops@parley.test", "operator-password-1");
            assertThat(opLogin.status()).as(opLogin.toString()).isEqualTo(200);
            Http.Response opMe = http.get("/v1/auth/me").bearer(opLogin.json().get("token").asText()).send();
            assertThat(opMe.json().get("role").asText()).isEqualTo("operator");

            // Migrate on an already migrated database, beside the server.
            ParleyProcess.Result migrate = ParleyProcess.run(env, "migrate");
            assertThat(migrate.exitCode()).as(migrate.toString()).isZero();
            JsonNode migrated = migrate.singleJsonObject();
            assertThat(migrated.get("migrated").asBoolean()).isTrue();
            assertThat(migrated.get("database").asText()).isEqualTo(kind == TestDatabase.Kind.H2 ? "H2" : "PostgreSQL");

            // The server is unharmed by all of that.
            assertThat(server.isAlive()).isTrue();
            Http.Response ready = http.get("/health/ready").send();
            assertThat(ready.status()).as(ready.toString()).isEqualTo(200);
            assertThat(http.get("/v1/auth/me").bearer(apiKey).send().status()).isEqualTo(200);

            ParleyProcess.Result stopped = server.stop(ParleyProcess.STOP_DEADLINE);
            assertThat(stopped.exitCode()).as(stopped.toString()).isZero();
        }
    }

    @Test
    void sigtermStopsTheServerGracefullyWithExitCode0() {
        try (TestDatabase db = TestDatabase.create(TestDatabase.Kind.H2)) {
            // After serving a request.
            try (ParleyProcess server = ParleyProcess.serve(db.settings())) {
                assertThat(server.http().get("/health").send().status()).isEqualTo(200);
                long sent = System.nanoTime();
                ParleyProcess.Result result = server.stop(Duration.ofSeconds(20));
                System.out.printf("SIGTERM to exit: %d ms%n", (System.nanoTime() - sent) / 1_000_000);
                assertGracefulStop(result);
            }
            // The instant the ready line is read (a supervisor may do exactly that), on the now existing
            // data dir. A few rounds, since the window this guards (signal handlers installed only after the
            // ready line) was a few milliseconds wide.
            for (int round = 0; round < 2; round++) {
                try (ParleyProcess server = ParleyProcess.start(db.settings(), "serve", "--port", "0")) {
                    server.awaitReady(ParleyProcess.READY_DEADLINE).sigterm();
                    assertGracefulStop(server.awaitExit(Duration.ofSeconds(20)));
                }
            }
        }
    }

    private static void assertGracefulStop(ParleyProcess.Result result) {
        assertThat(result.exitCode()).as(result.toString()).isZero();
        assertThat(result.stderr()).as(result.toString()).containsIgnoringCase("shutting down").contains("Stopped");
        assertThat(result.stderr()).as(result.toString()).doesNotContain("ERROR", "Exception");
    }

    @Test
    void invalidConfigurationStopsStartupWithOneLineNamingTheSetting() throws IOException {
        String pgUrl = "jdbc:postgresql://127.0.0.1:5432/x";
        record Case(String variable, List<String> args, Map<String, String> env) {}
        List<Case> cases = List.of(
                new Case("PARLEY_PORT", List.of("serve"), Map.of("PARLEY_PORT", "abc")),
                new Case("PARLEY_PORT", List.of("serve"), Map.of("PARLEY_PORT", "70000")),
                new Case("PARLEY_SESSION_TTL", List.of("serve"), Map.of("PARLEY_SESSION_TTL", "xx")),
                new Case("PARLEY_DB_URL", List.of("serve"), Map.of("PARLEY_DB_URL", "mysql://x")),
                new Case("PARLEY_SECRET", List.of("serve"), Map.of("PARLEY_DB_URL", pgUrl)),
                new Case("PARLEY_SECRET", List.of("serve"), Map.of("PARLEY_DB_URL", pgUrl, "PARLEY_SECRET", "too-short")),
                new Case("PARLEY_SECRET", List.of("serve"), Map.of("PARLEY_SECRET", "too-short")),
                new Case("PARLEY_LOG_FORMAT", List.of("serve"), Map.of("PARLEY_LOG_FORMAT", "xml")),
                new Case("PARLEY_LOG_FORMAT", List.of("serve", "--log-format", "xml"), Map.of()),
                new Case("PARLEY_DB_URL", List.of("migrate"), Map.of("PARLEY_DB_URL", "mysql://x")),
                new Case("PARLEY_TRUST_PROXY", List.of("tenant", "create", "--name", "X", "--admin-email", "a@b.test"),
                        Map.of("PARLEY_TRUST_PROXY", "maybe")));

        try (TestDatabase db = TestDatabase.create(TestDatabase.Kind.H2)) {
            for (Case c : cases) {
                Map<String, String> env = new HashMap<>(db.settings());
                env.putAll(c.env());
                ParleyProcess.Result result = ParleyProcess.run(env, c.args().toArray(String[]::new));
                String what = c.args() + " with " + c.env() + ":\n" + result;
                assertThat(result.exitCode()).as(what).isEqualTo(2);
                assertThat(result.stderrLines()).as(what).hasSize(1);
                assertThat(result.stderrLines().get(0)).as(what).startsWith("parley: " + c.variable() + ": ");
                assertThat(result.stdout()).as(what).isEmpty();
                try (var files = Files.list(db.dataDir())) {
                    assertThat(files.toList()).as("nothing written to the data dir: " + what).isEmpty();
                }
            }

            // Flags beat the environment: a bad PARLEY_PORT and PARLEY_LOG_FORMAT are overridden on the command line.
            Map<String, String> env = new HashMap<>(db.settings());
            env.put("PARLEY_PORT", "abc");
            env.put("PARLEY_LOG_FORMAT", "xml");
            try (ParleyProcess server = ParleyProcess.serve(env, "--log-format", "text")) {
                assertThat(server.http().get("/health").send().status()).isEqualTo(200);
                ParleyProcess.Result stopped = server.stop(ParleyProcess.STOP_DEADLINE);
                assertThat(stopped.exitCode()).as(stopped.toString()).isZero();
            }
        }
    }

    @Test
    void versionAndHelpWork() {
        Map<String, String> env = Map.of();
        ParleyProcess.Result version = ParleyProcess.run(env, "--version");
        assertThat(version.exitCode()).as(version.toString()).isZero();
        assertThat(Main.version()).isNotEqualTo("unknown");
        assertThat(version.stdoutLines()).containsExactly("parley " + Main.version());
        assertThat(version.stdout()).matches("parley \\d+\\.\\d+\\.\\d+\\S*");

        record Help(List<String> args, String usage, List<String> mentions) {}
        List<Help> helps = List.of(
                new Help(List.of("--help"), "Usage: parley ", List.of("serve", "migrate", "tenant", "operator")),
                new Help(List.of("serve", "--help"), "Usage: parley serve", List.of("--port", "--host", "--role", "--data-dir")),
                new Help(List.of("tenant", "create", "--help"), "Usage: parley tenant create",
                        List.of("--name", "--admin-email", "--admin-password")),
                new Help(List.of("operator", "create", "--help"), "Usage: parley operator create", List.of("--email", "--password")),
                new Help(List.of("migrate", "--help"), "Usage: parley migrate", List.of("--data-dir", "--db-url")));
        for (Help h : helps) {
            ParleyProcess.Result r = ParleyProcess.run(env, h.args().toArray(String[]::new));
            assertThat(r.exitCode()).as(h.args() + "\n" + r).isZero();
            assertThat(r.stdout()).as(h.args() + "\n" + r).startsWith(h.usage()).contains(h.mentions());
            assertThat(r.stderr()).as(h.args() + "\n" + r).isEmpty();
        }

        ParleyProcess.Result unknown = ParleyProcess.run(env, "frobnicate");
        assertThat(unknown.exitCode()).as(unknown.toString()).isEqualTo(2);
        assertThat(unknown.stderr()).contains("frobnicate");
        assertThat(unknown.stdout()).isEmpty();

        ParleyProcess.Result unknownOption = ParleyProcess.run(env, "serve", "--no-such-flag");
        assertThat(unknownOption.exitCode()).as(unknownOption.toString()).isEqualTo(2);
        assertThat(unknownOption.stderr()).contains("--no-such-flag");

        ParleyProcess.Result none = ParleyProcess.run(env);
        assertThat(none.exitCode()).as(none.toString()).isEqualTo(2);
        assertThat(none.stderr()).contains("parley serve");
    }

    @Test
    void jsonLogsByFlag() {
        try (TestDatabase db = TestDatabase.create(TestDatabase.Kind.H2)) {
            Map<String, String> env = new HashMap<>(db.settings());
            env.put("PARLEY_LOG_FORMAT", "text"); // the flag wins over this
            try (ParleyProcess server = ParleyProcess.serve(env, "--log-format", "json", "--log-level", "debug")) {
                List<String> upToReady = server.stderrLines();
                Http.Response health = server.http().get("/health").header("X-Request-Id", "it-json-logs-1").send();
                assertThat(health.status()).isEqualTo(200);
                ParleyProcess.Result stopped = server.stop(ParleyProcess.STOP_DEADLINE);
                assertThat(stopped.exitCode()).as(stopped.toString()).isZero();

                List<String> lines = stopped.stderrLines();
                assertThat(lines).as(stopped.toString()).isNotEmpty();
                assertThat(lines.subList(0, upToReady.size())).isEqualTo(upToReady);
                List<JsonNode> records = new ArrayList<>();
                for (String line : lines) {
                    JsonNode json = ParleyProcess.parse(line);
                    assertThat(json).as("a log line that is not one JSON object: " + line).isNotNull();
                    assertThat(json.isObject()).as(line).isTrue();
                    assertThat(json.hasNonNull("level")).as(line).isTrue();
                    assertThat(json.hasNonNull("formattedMessage")).as(line).isTrue();
                    records.add(json);
                }
                assertThat(records).anySatisfy(r -> assertThat(r.get("formattedMessage").asText()).contains("listening on"));
                assertThat(records).anySatisfy(r -> assertThat(r.get("formattedMessage").asText()).containsIgnoringCase("shutting down"));
                assertThat(records).as("the request's log line carries its request id")
                        .anySatisfy(r -> assertThat(r.at("/mdc/requestId").asText()).isEqualTo("it-json-logs-1"));
            }
        }
    }

    @Test
    void startToReadyOnH2() {
        try (TestDatabase db = TestDatabase.create(TestDatabase.Kind.H2);
             ParleyProcess server = ParleyProcess.start(db.settings(), "serve", "--port", "0")) {
            server.awaitReady(ParleyProcess.READY_DEADLINE);
            Http http = server.http();
            long deadline = System.nanoTime() + ParleyProcess.READY_DEADLINE.toNanos();
            Http.Response ready = http.get("/health/ready").send();
            while (ready.status() != 200 && System.nanoTime() < deadline) {
                ready = http.get("/health/ready").send();
            }
            long readyAt = System.nanoTime();
            assertThat(ready.status()).as(ready.toString()).isEqualTo(200);
            JsonNode body = ready.json();
            assertThat(body.get("status").asText()).isEqualTo("ready");
            assertThat(body.at("/checks/database/ok").isBoolean()).as(body.toString()).isTrue();
            assertThat(body.at("/checks/database/ok").asBoolean()).as(body.toString()).isTrue();

            // Printed for the record; timings are never asserted.
            System.out.printf("start-to-ready on H2 (fresh data dir): ready line after %d ms, /health/ready 200 after %d ms%n",
                    (server.readyNanos() - server.startedNanos()) / 1_000_000, (readyAt - server.startedNanos()) / 1_000_000);
        }
    }

    private static Http.Response login(Http http, String email, String password) {
        return http.post("/v1/auth/login").json(Map.of("email", email, "password", password)).send();
    }

    private static List<String> fieldNames(JsonNode node) {
        List<String> names = new ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }
}

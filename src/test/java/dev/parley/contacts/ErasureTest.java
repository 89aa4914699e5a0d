package dev.parley.contacts;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.parley.testing.Databases;
import dev.parley.testing.Http;
import dev.parley.testing.TestDatabase;
import dev.parley.testing.TestServer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.ArgumentsSource;

/** GDPR export and erasure: after an erase, no table holds the person's data. */
@ParameterizedClass
@ArgumentsSource(Databases.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ErasureTest {
    @Parameter
    TestDatabase.Kind kind;

    TestServer server;
    Http http;
    String owner;

    @BeforeParameterizedClassInvocation
    void start(TestDatabase.Kind kind) {
        server = TestServer.start(kind);
        http = server.http();
        server.tenant("Erase", "owner@erase.test", "owner-password-e");
        owner = server.login("owner@erase.test", "owner-password-e");
        http.patch("/v1/settings").bearer(owner).json(Map.of("defaultRegion", "GB")).send();
    }

    @AfterParameterizedClassInvocation
    void stop() {
        server.close();
    }

    @Test
    void erasedContactLeavesNoPersonalDataInAnyTable() {
        JsonNode c = http.post("/v1/contacts").bearer(owner).json(Map.of("phone", "+447911123071", "email", "quintessa@example.org",
                "firstName", "Quintessa", "lastName", "Vandermeer", "attributes", Map.of("note", "met at Quintessa's shop"),
                "consent", Map.of("sms", "optedIn"))).send().json();
        String id = c.get("id").asText();
        JsonNode list = http.post("/v1/lists").bearer(owner).json(Map.of("name", "Erasable")).send().json();
        http.post("/v1/lists/" + list.get("id").asText() + "/members").bearer(owner).json(Map.of("contactIds", List.of(id))).send();
        http.post("/v1/contacts/" + id + "/consent").bearer(owner).json(Map.of("channel", "email", "status", "optedOut", "source", "reply")).send();
        http.post("/v1/suppressions").bearer(owner).json(Map.of("channel", "sms", "address", "+447911123071", "reason", "STOP")).send();
        http.post("/v1/suppressions").bearer(owner).json(Map.of("channel", "email", "address", "quintessa@example.org")).send();
        // An import whose rejected row names the person in national format, beside someone else's rejected row.
        String csv = "phone,email,first name\n07911 123071,not-an-email,Quintessa\n12,other@,Someone Else\n";
        JsonNode job = http.post("/v1/imports?listName=erase-import").bearer(owner).raw("text/csv", csv).send().json();
        waitFor(job.get("id").asText());
        server.parley().database().jdbi().useHandle(h -> h.createUpdate("""
                INSERT INTO audit_event (id, tenant_id, at, action, detail_json)
                SELECT 'aud_01ARZ3NDEKTSV4RRFFQ69G5FAV', tenant_id, created_at, 'test.note', '{"email":"quintessa@example.org"}'
                FROM contact WHERE id = :id""").bind("id", id).execute());

        // Messages to the person, by phone and by email, sent through the in-process simulator.
        for (String channel : List.of("sms", "email")) {
            http.post("/v1/providers").bearer(owner).json(Map.of("name", "sim " + channel, "type", "simulator",
                    "channel", channel, "config", Map.of())).send();
        }
        http.post("/v1/messages").bearer(owner).json(Map.of("channel", "sms", "to", "+447911123071",
                "content", Map.of("text", "Hello Quintessa"))).send();
        http.post("/v1/messages").bearer(owner).json(Map.of("channel", "email", "to", "Quintessa@Example.org",
                "content", Map.of("subject", "For Quintessa Vandermeer", "text", "Dear Quintessa"))).send();

        // A reply from the person, as an adapter hands one over after verifying the provider's callback.
        String smsProvider = http.get("/v1/providers").bearer(owner).send().json().get("data").findValuesAsText("id").stream()
                .filter(p -> http.get("/v1/providers/" + p).bearer(owner).send().json().get("channel").asText().equals("sms"))
                .findFirst().orElseThrow();
        server.parley().callbacks().publish(smsProvider, List.of(new dev.parley.providers.ProviderEvent.Inbound("sms", "SM-erase-1",
                "+447911123071", "+15005550006", "Thanks, Quintessa Vandermeer here", java.time.Instant.now())));
        assertThat(http.get("/v1/inbound?contactId=" + id).bearer(owner).send().json().get("data")).hasSize(1);

        JsonNode export = http.get("/v1/contacts/" + id + "/export").bearer(owner).send().json();
        assertThat(export.get("inbound")).hasSize(1);
        assertThat(export.get("messages")).hasSize(2);
        assertThat(export.get("contact").get("email").asText()).isEqualTo("quintessa@example.org");
        assertThat(export.get("consentHistory")).hasSize(2);
        assertThat(export.get("suppressions")).hasSize(2);
        assertThat(export.get("importRejects")).hasSize(1);

        Http.Response erased = http.post("/v1/contacts/" + id + "/erase").bearer(owner).send();
        assertThat(erased.status()).as(erased.body()).isEqualTo(200);
        assertThat(http.get("/v1/contacts/" + id).bearer(owner).send().status()).isEqualTo(404);

        List<String> needles = List.of("quintessa", "vandermeer", "+447911123071", "7911123071", "7911 123071");
        assertThat(findEverywhere(needles)).as("personal data left after erasure").isEmpty();
        JsonNode sups = http.get("/v1/suppressions?channel=sms").bearer(owner).send().json().get("data");
        assertThat(sups).as("the suppression is kept, as a hash").hasSize(1);
        assertThat(sups.get(0).get("address").isNull()).isTrue();
        JsonNode audit = http.get("/v1/audit-events").bearer(owner).send().json().get("data");
        assertThat(audit.findValuesAsText("action")).contains("contact.erased", "contact.exported");
        assertThat(count("SELECT rejected FROM import_job WHERE id = '" + job.get("id").asText() + "'")).as("counts stay").isEqualTo(2);
        assertThat(count("SELECT COUNT(*) FROM import_reject WHERE import_id = '" + job.get("id").asText() + "'")).isEqualTo(1);
    }

    /** Every text column of every table, searched for every needle; returns table.column hits. */
    List<String> findEverywhere(List<String> needles) {
        return server.parley().database().jdbi().withHandle(h -> {
            String schemaFilter = kind == TestDatabase.Kind.H2 ? "table_schema = 'public'" : "table_schema = current_schema()";
            List<Map<String, Object>> columns = h.createQuery("SELECT table_name, column_name, data_type FROM information_schema.columns WHERE "
                    + schemaFilter).mapToMap().list();
            List<String> hits = new ArrayList<>();
            for (Map<String, Object> col : columns) {
                String type = String.valueOf(col.get("data_type")).toLowerCase(Locale.ROOT);
                if (!(type.contains("char") || type.contains("text") || type.contains("clob") || type.contains("json"))) {
                    continue;
                }
                String table = String.valueOf(col.get("table_name"));
                String column = String.valueOf(col.get("column_name"));
                if (table.startsWith("flyway")) {
                    continue;
                }
                for (String needle : needles) {
                    long n = h.createQuery("SELECT COUNT(*) FROM " + table + " WHERE LOWER(CAST(" + column + " AS VARCHAR)) LIKE :needle")
                            .bind("needle", "%" + needle.toLowerCase(Locale.ROOT) + "%").mapTo(Long.class).one();
                    if (n > 0) {
                        hits.add(table + "." + column + " holds '" + needle + "'");
                    }
                }
            }
            assertThat(columns).as("information_schema lists the tables").hasSizeGreaterThan(20);
            return hits;
        });
    }

    long count(String sql) {
        return server.parley().database().jdbi().withHandle(h -> h.createQuery(sql).mapTo(Long.class).one());
    }

    void waitFor(String importId) {
        Instant deadline = Instant.now().plusSeconds(20);
        while (true) {
            String status = http.get("/v1/imports/" + importId).bearer(owner).send().json().get("status").asText();
            if (!status.equals("queued") && !status.equals("running")) {
                return;
            }
            assertThat(Instant.now()).isBefore(deadline);
            Thread.onSpinWait();
        }
    }
}

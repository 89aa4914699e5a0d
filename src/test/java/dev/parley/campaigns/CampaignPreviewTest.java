package dev.parley.campaigns;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.parley.testing.Databases;
import dev.parley.testing.Http;
import dev.parley.testing.TestDatabase;
import dev.parley.testing.TestServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.ArgumentsSource;

/**
 * Preview and A/B variants, on H2 and PostgreSQL: the preview's counts are the rows expansion then writes,
 * its SMS measure and cost follow the price list, variants split the audience by their weights and keep a
 * contact's variant, and per-variant counters add up to the campaign's.
 */
@ParameterizedClass
@ArgumentsSource(Databases.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CampaignPreviewTest {
    @Parameter
    TestDatabase.Kind kind;

    TestServer server;
    CampaignFixture f;
    Http http;
    String sim;
    int phones;

    @BeforeParameterizedClassInvocation
    void start(TestDatabase.Kind kind) {
        server = TestServer.start(kind);
        f = new CampaignFixture(server, "Previewer");
        http = f.http;
        sim = f.provider("sim", "sms", Map.of());
        f.provider("sim-mail", "email", Map.of());
        Http.Response put = http.put("/v1/routing/sms").bearer(f.owner).json(Map.of("stickySender", false, "rules", List.of(
                Map.of("prefix", "+44", "providerId", sim, "price", 0.04, "currency", "USD", "priority", 0),
                Map.of("prefix", "+1", "providerId", sim, "price", 0.02, "currency", "USD", "priority", 0)))).send();
        assertThat(put.status()).as(put.body()).isEqualTo(200);
    }

    @AfterParameterizedClassInvocation
    void stop() {
        server.close();
    }

    private String uk() {
        return "+4474003" + String.format("%05d", phones++);
    }

    private Map<String, Object> variant(String name, int weight, String text) {
        return Map.of("name", name, "weight", weight, "content", Map.of("text", text));
    }

    /**
     * {@code audience.filter} keeps the members whose attributes match every one given, compared as the contacts
     * search's {@code attr.KEY=VALUE} compares them: the preview counts the rest as filtered out, expansion writes no row
     * for them, and a value that only quotes the pattern inside another attribute does not match.
     */
    @Test
    void aFilterReachesOnlyTheMembersWhoseAttributesMatchAsTheSearchFindsThem() {
        String l = f.list("Filtered");
        String leedsVip = f.contact(Map.of("phone", uk(), "attributes", Map.of("city", "Leeds", "vip", true, "tier", 2)));
        String leedsVipText = f.contact(Map.of("phone", uk(), "attributes", Map.of("city", "Leeds", "vip", "true")));
        String leedsNotVip = f.contact(Map.of("phone", uk(), "attributes", Map.of("city", "Leeds", "vip", false)));
        String yorkVip = f.contact(Map.of("phone", uk(), "attributes", Map.of("city", "York", "vip", true)));
        String quoting = f.contact(Map.of("phone", uk(), "attributes", Map.of("note", "\"city\":\"Leeds\"", "vip", true)));
        String noAttributes = f.contact(Map.of("phone", uk()));
        f.members(l, List.of(leedsVip, leedsVipText, leedsNotVip, yorkVip, quoting, noAttributes));
        Map<String, Object> filter = Map.of("attributes", Map.of("city", "Leeds", "vip", true));
        String id = f.draft(l, Map.of("audience", Map.of("listIds", List.of(l), "filter", filter)));

        JsonNode campaign = f.get(id);
        assertThat(campaign.get("audience").get("filter").get("attributes").get("city").asText()).isEqualTo("Leeds");
        Http.Response r = http.post("/v1/campaigns/" + id + "/preview").bearer(f.owner).send();
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        JsonNode audience = r.json().get("audience");
        assertThat(audience.get("total").asLong()).as(r.body()).isEqualTo(6);
        assertThat(audience.get("eligible").asLong()).as(r.body()).isEqualTo(2);
        assertThat(audience.get("filteredOut").asLong()).as(r.body()).isEqualTo(4);
        Http.Response search = http.get("/v1/contacts?listId=" + l + "&attr.city=Leeds&attr.vip=true").bearer(f.owner).send();
        List<String> found = new ArrayList<>();
        search.json().get("data").forEach(c -> found.add(c.get("id").asText()));
        assertThat(found).as("the search's segment").containsExactlyInAnyOrder(leedsVip, leedsVipText);

        assertThat(f.act(id, "launch").status()).isEqualTo(200);
        f.await(id, c -> c.get("status").asText().equals("completed"));
        assertThat(f.ledgerCounts(id, "contact_id")).isEqualTo(Map.of(leedsVip, 1L, leedsVipText, 1L));

        String byNumber = f.draft(l, Map.of("audience", Map.of("listIds", List.of(l), "filter", Map.of("attributes", Map.of("tier", 2)))));
        JsonNode numbered = http.post("/v1/campaigns/" + byNumber + "/preview").bearer(f.owner).send().json().get("audience");
        assertThat(numbered.get("eligible").asLong()).as(numbered.toString()).isEqualTo(1);
    }

    @Test
    void aFilterThatCannotBeComparedIsRefusedNamingTheAttribute() {
        String l = f.list("Badly filtered");
        Map<String, Object> body = new HashMap<>(Map.of("name", "Bad filter", "channel", "sms", "content", Map.of("text", "Hi"),
                "audience", Map.of("listIds", List.of(l), "filter", Map.of("attributes", Map.of("city", Map.of("nested", 1))))));
        Http.Response nested = http.post("/v1/campaigns").bearer(f.owner).json(body).send();
        assertThat(nested.status()).as(nested.body()).isEqualTo(400);
        assertThat(nested.body()).contains("audience.filter.attributes.city");
        Map<String, Object> many = new HashMap<>();
        for (int i = 0; i <= CampaignDefinitions.MAX_FILTER_ATTRIBUTES; i++) {
            many.put("k" + i, "v");
        }
        body.put("audience", Map.of("listIds", List.of(l), "filter", Map.of("attributes", many)));
        Http.Response tooMany = http.post("/v1/campaigns").bearer(f.owner).json(body).send();
        assertThat(tooMany.status()).as(tooMany.body()).isEqualTo(400);
        assertThat(tooMany.body()).contains("audience.filter.attributes");
        body.put("audience", Map.of("listIds", List.of(l), "filter", Map.of("attributez", Map.of("city", "Leeds"))));
        Http.Response unknown = http.post("/v1/campaigns").bearer(f.owner).json(body).send();
        assertThat(unknown.status()).as(unknown.body()).isEqualTo(400);
    }

    @Test
    void previewCountsTheAudienceByTheRulesExpansionThenApplies() {
        String a = f.list("A");
        String b = f.list("B");
        String x = f.list("X");
        List<String> inA = new ArrayList<>();
        String both = f.contact(Map.of("phone", uk(), "firstName", "Ada"));
        inA.add(both);
        for (int i = 0; i < 3; i++) {
            inA.add(f.contact(Map.of("phone", uk(), "firstName", "Bo")));
        }
        for (int i = 0; i < 2; i++) {
            inA.add(f.contact(Map.of("phone", "+1202555" + String.format("%04d", phones++))));
        }
        String emailOnly = f.contact(Map.of("email", "only" + phones++ + "@example.com"));
        String suppressedPhone = uk();
        String suppressed = f.contact(Map.of("phone", suppressedPhone));
        assertThat(http.post("/v1/suppressions").bearer(f.owner).json(Map.of("channel", "sms", "address", suppressedPhone,
                "reason", "asked")).send().status()).isEqualTo(201);
        String optedOut = f.contact(Map.of("phone", uk()));
        assertThat(http.post("/v1/contacts/" + optedOut + "/consent").bearer(f.owner).json(Map.of("channel", "sms",
                "status", "optedOut", "source", "test")).send().status()).isLessThan(300);
        String leaver = f.contact(Map.of("phone", uk()));
        inA.add(leaver);
        f.members(a, inA);
        f.members(b, List.of(both, emailOnly, suppressed, optedOut));
        f.members(x, List.of(leaver));
        String id = f.draft(a, Map.of("audience", Map.of("listIds", List.of(a, b), "excludeListIds", List.of(x)),
                "variants", List.of(variant("A", 50, "Hi {{ firstName | \"there\" }}, 20% off"),
                        variant("B", 50, "Grüße {{ firstName }} ☀"))));

        Http.Response r = http.post("/v1/campaigns/" + id + "/preview").bearer(f.owner).send();
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        JsonNode p = r.json();
        JsonNode audience = p.get("audience");
        assertThat(audience.get("total").asLong()).as(r.body()).isEqualTo(10);
        assertThat(audience.get("eligible").asLong()).isEqualTo(6);
        assertThat(audience.get("suppressed").asLong()).isEqualTo(1);
        assertThat(audience.get("optedOut").asLong()).isEqualTo(1);
        assertThat(audience.get("missingAddress").asLong()).isEqualTo(1);
        assertThat(audience.get("duplicates").asLong()).isEqualTo(1);
        assertThat(audience.get("excluded").asLong()).isEqualTo(1);
        JsonNode variants = p.get("variants");
        assertThat(variants).hasSize(2);
        assertThat(variants.get(0).get("name").asText()).isEqualTo("A");
        assertThat(variants.get(0).get("weight").asInt()).isEqualTo(50);
        assertThat(variants.get(0).get("sms").get("encoding").asText()).isEqualTo("GSM-7");
        assertThat(variants.get(1).get("sms").get("encoding").asText()).isEqualTo("UCS-2");
        assertThat(variants.get(0).get("sms").get("segments").asInt()).isEqualTo(1);
        String sample = variants.get(0).get("sampleContactId").asText();
        assertThat(variants.get(0).get("sms").get("characters").asInt())
                .as("measured on the sample's rendering").isEqualTo(("Hi " + firstNameOf(sample) + ", 20% off").length());
        assertThat(p.get("costEstimate").get("amount").asText()).as("4 × 0.04 + 2 × 0.02, one segment each").isEqualTo("0.20");
        assertThat(p.get("costEstimate").get("currency").asText()).isEqualTo("USD");
        Map<String, Long> byPrefix = new HashMap<>();
        p.get("byRoute").forEach(route -> {
            assertThat(route.get("providerId").asText()).isEqualTo(sim);
            byPrefix.put(route.get("prefix").asText(), route.get("recipients").asLong());
        });
        assertThat(byPrefix).isEqualTo(Map.of("+44", 4L, "+1", 2L));

        assertThat(f.act(id, "launch").status()).isEqualTo(200);
        JsonNode done = f.await(id, c -> c.get("status").asText().equals("completed"));
        Map<String, Long> byStatus = f.ledgerCounts(id, "status");
        assertThat(byStatus).as("the preview's eligible are the rows sent, its suppressed and opted out the suppressed rows")
                .isEqualTo(Map.of("sent", 6L, "suppressed", 2L));
        Map<String, Long> byVariant = f.ledgerCounts(id, "variant");
        long sumOfVariants = 0;
        for (JsonNode v : done.get("progress").get("variants")) {
            assertThat(v.get("total").asLong()).as(v.toString()).isEqualTo(byVariant.getOrDefault(v.get("name").asText(), 0L));
            sumOfVariants += v.get("total").asLong();
        }
        assertThat(sumOfVariants).isEqualTo(done.get("progress").get("total").asLong()).isEqualTo(8);
    }

    private String firstNameOf(String contactId) {
        JsonNode c = http.get("/v1/contacts/" + contactId).bearer(f.owner).send().json();
        return c.get("firstName").isNull() ? "there" : c.get("firstName").asText();
    }

    @Test
    void anEmailPreviewRendersEachVariantsSubjectForTheSampleAndCountsThoseWithoutAnEmail() {
        String l = f.list("Mail");
        String ada = f.contact(Map.of("email", "ada" + phones++ + "@example.com", "firstName", "Ada"));
        f.members(l, List.of(ada, f.contact(Map.of("email", "bo" + phones++ + "@mail.example.org")),
                f.contact(Map.of("phone", uk()))));
        String id = f.draft(l, Map.of("channel", "email", "variants", List.of(
                Map.of("name", "Plain", "weight", 60, "content", Map.of("subject", "News for {{ firstName }}", "text", "Hi")),
                Map.of("name", "Bold", "weight", 40, "content", Map.of("subject", "BIG news, {{ firstName }}!", "text", "Hi")))));
        JsonNode p = http.post("/v1/campaigns/" + id + "/preview").bearer(f.owner).send().json();
        assertThat(p.get("audience").get("eligible").asLong()).as(p.toString()).isEqualTo(2);
        assertThat(p.get("audience").get("missingAddress").asLong()).isEqualTo(1);
        assertThat(p.get("variants").findValuesAsText("subject")).containsExactly("News for Ada", "BIG news, Ada!");
        assertThat(p.get("variants").get(0).get("sms").isNull()).isTrue();
        assertThat(p.get("variants").get(0).get("sampleContactId").asText()).isEqualTo(ada);
        assertThat(p.get("costEstimate").isNull()).as("no email price list").isTrue();
        assertThat(p.get("byRoute").get(0).get("recipients").asLong()).isEqualTo(2);
    }

    @Test
    void aSeventyThirtySplitLandsWithinAFewPercentAndPerVariantCountersAddUp() {
        String l = f.list("Split");
        List<String> contacts = f.bulkContacts(l, 1_000, "+4475", null);
        String id = f.draft(l, Map.of("variants", List.of(variant("Short", 70, "Sale now"), variant("Long", 30, "Our sale starts now"))));
        assertThat(f.act(id, "launch").status()).isEqualTo(200);
        JsonNode done = f.await(id, Duration.ofSeconds(60), c -> c.get("status").asText().equals("completed"));
        Map<String, Long> byVariant = f.ledgerCounts(id, "variant");
        assertThat(byVariant.get("Short")).as(byVariant.toString()).isBetween(650L, 750L);
        assertThat(byVariant.get("Short") + byVariant.get("Long")).isEqualTo(1_000);
        JsonNode progress = done.get("progress");
        long sent = 0;
        for (JsonNode v : progress.get("variants")) {
            assertThat(v.get("sent").asLong()).isEqualTo(byVariant.get(v.get("name").asText()));
            sent += v.get("sent").asLong();
        }
        assertThat(sent).isEqualTo(progress.get("sent").asLong()).isEqualTo(1_000);
        Map<String, String> textByVariant = new HashMap<>();
        server.parley().database().jdbi().useHandle(h -> h.createQuery(
                        "SELECT variant, body_text, contact_id FROM message WHERE campaign_id = :id").bind("id", id)
                .map((rs, c) -> new String[] {rs.getString(1), rs.getString(2), rs.getString(3)}).forEach(m -> {
                    textByVariant.merge(m[0], m[1], (x, y) -> x.equals(y) ? x : "mixed");
                    assertThat(m[0]).as("the same contact, the same variant")
                            .isEqualTo(Variants.assign(id, m[2], List.of(new CampaignInput.Variant("Short", 70, null, null),
                                    new CampaignInput.Variant("Long", 30, null, null))) == 0 ? "Short" : "Long");
                }));
        assertThat(textByVariant).isEqualTo(Map.of("Short", "Sale now", "Long", "Our sale starts now"));
        assertThat(contacts).hasSize(1_000);
    }

    @Test
    void badVariantsAndStepsAnswer400NamingTheField() {
        String l = f.list("Bad");
        Map<String, Object> base = Map.of("name", "Bad", "channel", "sms", "audience", Map.of("listIds", List.of(l)));
        Map<String, List<Object>> cases = Map.of(
                "variants", List.of(List.of(variant("A", 100, "x"))),
                "variants[1].name", List.of(List.of(variant("A", 50, "x"), variant("A", 50, "y"))),
                "variants[0].weight", List.of(List.of(variant("A", 0, "x"), variant("B", 100, "y"))),
                "variants[1].content.text", List.of(List.of(variant("A", 50, "x"), variant("B", 50, "{{ oops"))));
        cases.forEach((field, value) -> {
            Map<String, Object> body = new HashMap<>(base);
            body.put("variants", value.getFirst());
            Http.Response r = http.post("/v1/campaigns").bearer(f.owner).json(body).send();
            assertThat(r.status()).as(field + ": " + r.body()).isEqualTo(400);
            assertThat(r.body()).as(field).contains("\"" + field);
        });
        Map<String, Object> sum = new HashMap<>(base);
        sum.put("variants", List.of(variant("A", 50, "x"), variant("B", 40, "y")));
        assertThat(http.post("/v1/campaigns").bearer(f.owner).json(sum).send().body()).contains("sum to 100");
        Map<String, Map<String, Object>> steps = Map.of(
                "steps[0].after", Map.of("after", "two days", "content", Map.of("text", "x")),
                "steps[0].when", Map.of("after", "P2D", "when", "sometimes", "content", Map.of("text", "x")),
                "steps[0].channel", Map.of("after", "P2D", "channel", "fax", "content", Map.of("text", "x")),
                "steps[0].templateId", Map.of("after", "P2D"));
        steps.forEach((field, step) -> {
            Map<String, Object> body = new HashMap<>(base);
            body.put("content", Map.of("text", "first"));
            body.put("steps", List.of(step));
            Http.Response r = http.post("/v1/campaigns").bearer(f.owner).json(body).send();
            assertThat(r.status()).as(field + ": " + r.body()).isEqualTo(400);
            assertThat(r.body()).as(field).contains("\"" + field);
        });
    }

    /**
     * The preview of many members (20,000; {@code -Dpreview.members=100000} for the figure in docs/campaigns.md)
     * is one grouped query: its counts are right; its time is printed, not asserted.
     */
    @Test
    void previewOfManyMembersCountsThemAll() {
        int half = Integer.getInteger("preview.members", 20_000) / 2;
        String l = f.list("Big");
        f.bulkContacts(l, half, "+4476", null);
        f.bulkContacts(l, half, "+1303", null);
        String id = f.draft(l, Map.of());
        http.post("/v1/campaigns/" + id + "/preview").bearer(f.owner).send();
        long started = System.nanoTime();
        Http.Response r = http.post("/v1/campaigns/" + id + "/preview").bearer(f.owner).send();
        long millis = (System.nanoTime() - started) / 1_000_000;
        System.out.println("preview of " + 2 * half + " members on " + kind + ": " + millis + " ms");
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        assertThat(r.json().get("audience").get("eligible").asLong()).isEqualTo(2L * half);
        assertThat(new java.math.BigDecimal(r.json().get("costEstimate").get("amount").asText())).as("half × 0.04 + half × 0.02")
                .isEqualByComparingTo(java.math.BigDecimal.valueOf(half * 6L, 2));
    }
}

package dev.parley.app;

import com.fasterxml.jackson.databind.JsonNode;
import dev.parley.core.Failure;
import dev.parley.core.Tokens;
import dev.parley.tenancy.AuditLog;
import dev.parley.tenancy.Tenants;
import java.io.PrintStream;
import java.math.BigDecimal;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Sets up (first run) or finds again (later runs) everything {@code parley demo} shows. Only the tenant
 * is made in-process, as {@code parley tenant create} makes it; everything else goes through Parley's
 * own HTTP API with the tenant's key, as a user's script would, so the demo exercises the real paths
 * (provider validation, routing, the CSV import, templates, campaigns).
 *
 * <p>The one thing to know: every step is "find it, else make it" (by the id saved in {@code demo.json},
 * then by name), and the routing and settings are written only while still empty. So a re-run makes
 * nothing twice, a run stopped half-way completes the rest, and what the user changed is left alone.
 * What does change on every run is where the providers point: the simulator is new each time (and may
 * be on another port), so both providers are re-pointed at it and the simulator's SendGrid event URL is
 * set to this run's Parley.
 */
final class DemoSetup {
    static final String TENANT_NAME = "Parley Demo";
    static final String ADMIN_EMAIL = "admin@example.com";
    static final String LIST_NAME = "Demo customers";
    static final String SMS_PROVIDER = "Twilio (simulated)";
    static final String EMAIL_PROVIDER = "SendGrid (simulated)";
    /** A fictional number outside the area codes the demo contacts use, so no contact is also the sender. */
    static final String SMS_SENDER = "+16175550100";
    private static final Duration IMPORT_DEADLINE = Duration.ofMinutes(2);

    private final Parley parley;
    private final Path dataDir;
    private final String parleyUrl;
    private final String simulatorUrl;
    private final PrintStream out;
    private DemoState state;
    private DemoApi api;
    private boolean campaignsAvailable = true;

    DemoSetup(Parley parley, Path dataDir, String parleyUrl, String simulatorUrl, PrintStream out) {
        this.parley = parley;
        this.dataDir = dataDir;
        this.parleyUrl = parleyUrl;
        this.simulatorUrl = simulatorUrl;
        this.out = out;
    }

    /** Runs every step and returns the saved state. */
    DemoState run() {
        state = DemoState.load(dataDir).orElse(null);
        if (state == null) {
            state = createTenant();
        } else {
            out.println("Reusing the demo tenant saved in " + dataDir.resolve(DemoState.FILE) + ".");
        }
        api = new DemoApi(parleyUrl, "Bearer " + state.apiKey());
        if (api.get("/v1/auth/me").status() == 401) {
            throw new ConfigException("--data-dir", "the API key in " + dataDir.resolve(DemoState.FILE)
                    + " no longer works (was it deleted?); delete " + dataDir + " to start the demo afresh");
        }
        String sms = smsProvider();
        String email = emailProvider();
        routing(sms, email);
        settings();
        String list = contacts();
        String smsTemplate = template("smsTemplate", "Spring offer (SMS)", Map.of("name", "Spring offer (SMS)",
                "channel", "sms", "text", "Hi {{ firstName | \"there\" }}, spring is here at Parley Demo Bakery: 20% off "
                        + "every loaf until Sunday. Reply STOP to opt out."));
        template("emailTemplate", "Welcome (email)", Map.of("name", "Welcome (email)", "channel", "email",
                "subject", "Welcome to Parley Demo Bakery, {{ firstName | \"friend\" }}",
                "text", "Hello {{ firstName | \"there\" }},\n\nThanks for joining us on the {{ attributes.plan | \"free\" }} plan."
                        + "\n\nThe Parley Demo Bakery (a made-up shop)",
                "html", "<p>Hello {{ firstName | \"there\" }},</p><p>Thanks for joining us on the "
                        + "<b>{{ attributes.plan | \"free\" }}</b> plan.</p><p>The Parley Demo Bakery (a made-up shop)</p>"));
        campaign(list, smsTemplate);
        return state;
    }

    /** False when this build answered that it has no campaigns API. */
    boolean campaignsAvailable() {
        return campaignsAvailable;
    }

    private DemoState createTenant() {
        out.println("First run: creating the demo tenant, its providers, 1,000 contacts and templates...");
        Tenants.Created created;
        try {
            created = parley.tenants().create(TENANT_NAME, ADMIN_EMAIL, null, AuditLog.Actor.system("demo"));
        } catch (Failure.Conflict e) {
            throw new ConfigException("--data-dir", dataDir + " already holds a demo tenant but its " + DemoState.FILE
                    + " is gone; delete " + dataDir + " to start the demo afresh");
        }
        DemoState fresh = new DemoState(created.tenantId(), created.adminEmail(), created.adminPassword(), created.apiKey(),
                Map.of());
        fresh.save(dataDir);
        return fresh;
    }

    private String smsProvider() {
        String id = ensure("smsProvider", "/v1/providers", SMS_PROVIDER, () -> Map.of("name", SMS_PROVIDER,
                "type", "twilio", "channel", "sms", "config", Map.of(
                        "accountSid", "AC" + Tokens.sha256(Tokens.random("", 16)).substring(0, 32),
                        "authToken", Tokens.random("", 24), "from", SMS_SENDER, "baseUrl", simulatorUrl)));
        api.expect("point the SMS provider at the simulator",
                api.patch("/v1/providers/" + id, Map.of("config", Map.of("baseUrl", simulatorUrl))));
        return id;
    }

    private String emailProvider() {
        DemoApi sendgrid = new DemoApi(simulatorUrl, "Bearer parley-demo");
        String publicKey = sendgrid.expect("read the simulator's SendGrid verification key",
                sendgrid.get("/v3/user/webhooks/event/settings/signed")).path("public_key").asText();
        String id = ensure("emailProvider", "/v1/providers", EMAIL_PROVIDER, () -> Map.of("name", EMAIL_PROVIDER,
                "type", "sendgrid", "channel", "email", "config", Map.of("apiKey", "SG." + Tokens.random("", 24),
                        "from", "bakery@example.com", "baseUrl", simulatorUrl, "webhookPublicKey", publicKey)));
        api.expect("point the email provider at the simulator", api.patch("/v1/providers/" + id,
                Map.of("config", Map.of("baseUrl", simulatorUrl, "webhookPublicKey", publicKey))));
        sendgrid.expect("set the simulator's SendGrid event webhook", sendgrid.patch("/v3/user/webhooks/event/settings",
                Map.of("enabled", true, "url", parleyUrl + "/hooks/sendgrid/" + id + "/events")));
        return id;
    }

    /** A price list: UK and US numbers through the Twilio account, all email through SendGrid. */
    private void routing(String sms, String email) {
        if (api.expect("read the SMS routing", api.get("/v1/routing/sms")).path("rules").isEmpty()) {
            api.expect("set the SMS routing", api.put("/v1/routing/sms", Map.of("stickySender", false, "rules", List.of(
                    rule("+44", sms, "0.0400"), rule("+1", sms, "0.0079")))));
        }
        if (api.expect("read the email routing", api.get("/v1/routing/email")).path("rules").isEmpty()) {
            api.expect("set the email routing", api.put("/v1/routing/email", Map.of("stickySender", false, "rules",
                    List.of(rule("", email, "0.0006")))));
        }
    }

    private static Map<String, Object> rule(String prefix, String providerId, String price) {
        return Map.of("prefix", prefix, "providerId", providerId, "price", new BigDecimal(price), "currency", "USD");
    }

    private void settings() {
        if (api.expect("read the settings", api.get("/v1/settings")).path("helpText").isNull()) {
            api.expect("write the settings", api.patch("/v1/settings", Map.of("defaultRegion", "GB",
                    "timezone", "Europe/London",
                    "helpText", "Parley Demo Bakery: offers and news (a demo, nothing here is real). Reply STOP to opt out.",
                    "stopConfirmation", "Parley Demo Bakery: you will get no more messages from us. Reply START to opt back in.")));
        }
    }

    /** The list, filled by a real CSV import unless it already holds every demo contact. */
    private String contacts() {
        String list = ensure("list", "/v1/lists", LIST_NAME, () -> Map.of("name", LIST_NAME,
                "description", "1,000 made-up people with fictional phone numbers and example.com addresses"));
        long members = api.expect("read the demo list", api.get("/v1/lists/" + list)).path("memberCount").asLong();
        if (members >= DemoContacts.COUNT) {
            return list;
        }
        String query = "?listId=" + list + "&region=GB&unmappedAsAttributes=true&consent="
                + URLEncoder.encode("sms=optedIn,email=optedIn", StandardCharsets.UTF_8);
        String id = api.expect("start the contact import", api.postCsv("/v1/imports" + query, DemoContacts.csv()))
                .path("id").asText();
        long deadline = System.nanoTime() + IMPORT_DEADLINE.toNanos();
        JsonNode job;
        while (true) {
            job = api.expect("follow the contact import", api.get("/v1/imports/" + id));
            String status = job.path("status").asText();
            if (status.equals("completed")) {
                break;
            }
            if (status.equals("failed") || status.equals("canceled")) {
                throw new IllegalStateException("the demo contact import " + id + " ended " + status + ": " + job.path("error").asText());
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the demo contact import " + id + " did not finish within " + IMPORT_DEADLINE);
            }
            pause();
        }
        out.printf("Imported the demo contacts (import %s: %d new, %d updated, %d unchanged, %d rejected).%n", id,
                job.path("imported").asLong(), job.path("updated").asLong(), job.path("unchanged").asLong(),
                job.path("rejected").asLong());
        return list;
    }

    private String template(String key, String name, Map<String, Object> body) {
        return ensure(key, "/v1/templates", name, () -> body);
    }

    /**
     * A draft SMS campaign to the demo list (SPEC §5): two A/B variants, sent 09:00–20:00 Monday to Saturday
     * in each contact's time zone. Builds without the campaigns API answer 404 (or 405),
     * which is reported and skipped; the same call works once that API is there.
     */
    private void campaign(String list, String templateId) {
        String name = "Spring offer";
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("name", name);
        body.put("channel", "sms");
        body.put("audience", Map.of("listIds", List.of(list)));
        // An A/B test: the template against a shorter inline text, half the list each.
        body.put("variants", List.of(
                Map.of("name", "A", "weight", 50, "templateId", templateId),
                Map.of("name", "B", "weight", 50, "content", Map.of("text", "Parley Demo Bakery: 20% off every loaf "
                        + "until Sunday, {{ firstName | \"friend\" }}! Reply STOP to opt out."))));
        body.put("sendWindow", Map.of("days", List.of("MON", "TUE", "WED", "THU", "FRI", "SAT"), "from", "09:00",
                "to", "20:00", "fallbackTimezone", "Europe/London"));
        try {
            ensure("campaign", "/v1/campaigns", name, () -> body);
        } catch (Unavailable e) {
            campaignsAvailable = false;
            out.println("Note: campaigns are not available in this build; the draft campaign is skipped.");
        } catch (IllegalStateException e) {
            out.println("Note: " + e.getMessage() + "; carrying on without it.");
        }
    }

    /**
     * The id of the thing saved under {@code key}, else of the one named {@code name} at {@code path},
     * else of a new one made from {@code body}; saved in {@code demo.json} either way.
     */
    private String ensure(String key, String path, String name, Supplier<Map<String, Object>> body) {
        String saved = state.id(key).orElse(null);
        if (saved != null) {
            if (api.get(path + "/" + saved).ok()) {
                return saved;
            }
        }
        DemoApi.Answer listed = api.get(path + "?limit=200");
        unavailable(listed, path);
        String found = null;
        for (JsonNode item : api.expect("list " + path, listed).path("data")) {
            if (name.equals(item.path("name").asText())) {
                found = item.path("id").asText();
                break;
            }
        }
        if (found == null) {
            DemoApi.Answer created = api.post(path, body.get());
            unavailable(created, path);
            found = api.expect("create '" + name + "' at " + path, created).path("id").asText();
        }
        state = state.withId(key, found);
        state.save(dataDir);
        return found;
    }

    /** A collection route this build does not have answers 404 (or 405 when only some of its methods exist). */
    private static void unavailable(DemoApi.Answer answer, String path) {
        if (answer.status() == 404 || answer.status() == 405) {
            throw new Unavailable(path);
        }
    }

    /** This build has no such API. */
    private static final class Unavailable extends RuntimeException {
        Unavailable(String path) {
            super("this build has no " + path, null, false, false);
        }
    }

    private static void pause() {
        try {
            Thread.sleep(100);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the demo contact import", e);
        }
    }
}

package dev.parley.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.parley.simulator.LedgerEntry;
import dev.parley.simulator.Simulator;
import dev.parley.simulator.SimulatorOptions;
import dev.parley.testing.Http;
import dev.parley.testing.TestDatabase;
import dev.parley.testing.TestServer;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.openqa.selenium.By;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The dashboard in headless Chromium against a real Parley (H2 only: the pages only call the API, whose
 * behaviour on PostgreSQL the API tests cover). One browser for the class; the tests run in order as one
 * session would: log in, look at every page, import a CSV through the wizard, read a failed message's
 * timeline, create a campaign through its wizard and watch it run, pause and resume live, then an agent's
 * view, then a platform operator's, then what the browser requested over the whole run. The campaign's messages go through the http
 * provider to a real {@link Simulator} on 127.0.0.1, whose ledger is the judge of what was sent.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DashboardBrowserIT {
    static final String OWNER = "owner@dash.test";
    static final String OWNER_PASSWORD = "dashboard-owner-pw";
    static final String AGENT = "agent@dash.test";
    static final String AGENT_PASSWORD = "dashboard-agent-pw";
    static final String OPERATOR = "operator@platform.test";
    static final String OPERATOR_PASSWORD = "dashboard-operator-pw";
    static final List<String> FIXTURE_PHONES = List.of("+447911123123", "+447911123456");
    static final String FIXTURE_EMAIL = "ada.lovelace@example.com";
    static final int AUDIENCE = 24;
    static final String CAMPAIGN = "Spring sale";

    Simulator simulator;
    String audienceListId;
    String campaignId;

    TestServer server;
    Http http;
    Browser browser;
    String base;
    String contactId;
    String failedMessageId;

    @BeforeAll
    void start() throws IOException {
        browser = Browser.start();
        server = TestServer.start(TestDatabase.Kind.H2);
        http = server.http();
        base = http.base();
        server.tenant("Dash Ltd", OWNER, OWNER_PASSWORD);
        String owner = server.login(OWNER, OWNER_PASSWORD);
        created(http.post("/v1/providers").bearer(owner).json(Map.of("name", "always fails", "type", "simulator",
                "channel", "sms", "config", Map.of("permanentFailRate", 1.0))).send());
        contactId = created(http.post("/v1/contacts").bearer(owner).json(Map.of("phone", FIXTURE_PHONES.get(0),
                "email", FIXTURE_EMAIL, "firstName", "Ada", "lastName", "Lovelace")).send()).get("id").asText();
        created(http.post("/v1/contacts").bearer(owner).json(Map.of("phone", FIXTURE_PHONES.get(1), "firstName", "Charles")).send());
        Http.Response sent = http.post("/v1/messages").bearer(owner)
                .json(Map.of("channel", "sms", "to", FIXTURE_PHONES.get(0), "content", Map.of("text", "Your code is 1234"))).send();
        assertThat(sent.status()).as(sent.body()).isEqualTo(202);
        failedMessageId = sent.json().get("id").asText();
        awaitStatus(owner, failedMessageId, "failed");
        created(http.post("/v1/users").bearer(owner).json(Map.of("email", AGENT, "role", "agent", "password", AGENT_PASSWORD)).send());
        campaignFixtures(owner);
    }

    /** A simulator behind the http provider, routed for +44 at 0.01 USD a segment, and a list of {@link #AUDIENCE} contacts. */
    void campaignFixtures(String owner) {
        simulator = Simulator.start(SimulatorOptions.defaults().withPort(0).withLatency(20, 0));
        String sim = created(http.post("/v1/providers").bearer(owner).json(Map.of("name", "campaign simulator", "type", "http",
                "channel", "sms", "config", Map.of("url", "http://127.0.0.1:" + simulator.port() + "/send"))).send()).get("id").asText();
        Http.Response routed = http.put("/v1/routing/sms").bearer(owner).json(Map.of("rules", List.of(Map.of("prefix", "+44",
                "providerId", sim, "price", 0.01, "currency", "USD", "priority", 0)), "stickySender", false)).send();
        assertThat(routed.status()).as(routed.body()).isEqualTo(200);
        audienceListId = created(http.post("/v1/lists").bearer(owner).json(Map.of("name", "Spring customers")).send()).get("id").asText();
        List<String> members = new ArrayList<>();
        for (int i = 0; i < AUDIENCE; i++) {
            members.add(created(http.post("/v1/contacts").bearer(owner).json(Map.of("phone", "+4479111200" + String.format("%02d", i),
                    "firstName", "Customer" + i)).send()).get("id").asText());
        }
        Http.Response added = http.post("/v1/lists/" + audienceListId + "/members").bearer(owner).json(Map.of("contactIds", members)).send();
        assertThat(added.status()).as(added.body()).isIn(200, 201, 204);
    }

    @AfterAll
    void stop() throws IOException {
        try {
            if (browser != null) {
                browser.close();
            }
        } finally {
            if (server != null) {
                server.close();
            }
            if (simulator != null) {
                simulator.close();
            }
        }
    }

    static JsonNode created(Http.Response r) {
        assertThat(r.status()).as(r.body()).isIn(200, 201);
        return r.json();
    }

    void awaitStatus(String token, String id, String status) {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(15));
        JsonNode m;
        do {
            m = http.get("/v1/messages/" + id).bearer(token).send().json();
            if (status.equals(m.path("status").asText())) {
                return;
            }
            java.util.concurrent.locks.LockSupport.parkNanos(20_000_000L);
        } while (Instant.now().isBefore(deadline));
        throw new AssertionError("message never reached " + status + ": " + m);
    }

    void logIn(String email, String password) {
        browser.open(base + "/#/login");
        browser.await(By.id("login-email")).sendKeys(email);
        browser.driver().findElement(By.id("login-password")).sendKeys(password);
        browser.driver().findElement(By.id("login-submit")).click();
        browser.await(By.id("logout"));
    }

    void logOut() {
        browser.driver().findElement(By.id("logout")).click();
        browser.await(By.id("login-email"));
    }

    void visit(String hash, String title) {
        browser.open(base + "/#" + hash);
        browser.awaitPage(title);
    }

    @Test
    @Order(1)
    void theOwnerLogsInAndSeesTheOverviewWithItsChart() throws IOException {
        browser.open(base + "/");
        browser.await(By.id("login-email"));
        browser.screenshot("01-login");
        logIn(OWNER, OWNER_PASSWORD);
        browser.awaitPage("Overview");
        browser.awaitText(By.id("today-by-status"), "failed");
        Object drawn = browser.script("const c = document.getElementById('per-minute'); return window.Chart && Chart.getChart(c) ? Chart.getChart(c).data.datasets.map(d => d.label) : null;");
        assertThat(drawn).as("the per-minute chart's series").isEqualTo(List.of("failed"));
        browser.screenshot("02-overview");
        browser.resize(820, 1180);
        browser.screenshot("02-overview-tablet");
        browser.resize(1280, 900);
    }

    @Test
    @Order(2)
    void everyMainPageRendersItsData() throws IOException {
        visit("/contacts", "Contacts");
        browser.awaitText(By.id("contact-results"), "Ada Lovelace");
        browser.screenshot("03-contacts");
        visit("/contacts/" + contactId, "Ada Lovelace");
        assertThat(browser.driver().findElement(By.id("contact-phone")).getText()).isEqualTo(FIXTURE_PHONES.get(0));
        browser.screenshot("04-contact");
        visit("/lists", "Lists");
        browser.screenshot("05-lists");
        visit("/suppressions", "Suppressions");
        browser.screenshot("06-suppressions");
        visit("/messages", "Messages");
        browser.awaitText(By.id("message-results"), failedMessageId);
        browser.screenshot("07-messages");
        visit("/providers", "Providers");
        browser.awaitText(By.id("main"), "always fails");
        browser.screenshot("08-providers");
        visit("/queues", "Queues");
        browser.awaitText(By.id("queue-board"), "Recent failures");
        browser.awaitText(By.id("queue-board"), failedMessageId);
        browser.screenshot("09-queues");
        visit("/people", "Users & API keys");
        browser.awaitText(By.id("users"), AGENT);
        browser.screenshot("10-people");
        visit("/settings", "Settings");
        browser.screenshot("11-settings");
    }

    @Test
    @Order(3)
    void aCsvGoesThroughTheWizardAndItsRejectedRowsCanBeDownloaded() throws IOException {
        Path csv = Files.createTempFile("dashboard-import-", ".csv");
        Files.writeString(csv, """
                Mobile,E-mail,First name,Surname,City
                +447911123201,grace@example.com,Grace,Hopper,London
                07911 123202,,Alan,Turing,Manchester
                not-a-number,,Nobody,Reachable,Nowhere
                """);
        try {
            visit("/imports", "Import contacts");
            browser.await(By.id("import-file")).sendKeys(csv.toAbsolutePath().toString());
            browser.driver().findElement(By.id("import-region")).clear();
            browser.driver().findElement(By.id("import-region")).sendKeys("GB");
            new Select(browser.driver().findElement(By.id("import-list"))).selectByValue("new");
            browser.driver().findElement(By.id("import-list-name")).sendKeys("Pioneers");
            browser.screenshot("12-import-upload");
            browser.driver().findElement(By.id("import-upload")).click();

            // Mapping: Parley's suggestions are preselected; keep City as an attribute.
            browser.await(By.id("import-preview"));
            assertThat(new Select(browser.driver().findElement(By.id("map-0"))).getFirstSelectedOption().getAttribute("value")).isEqualTo("phone");
            assertThat(new Select(browser.driver().findElement(By.id("map-1"))).getFirstSelectedOption().getAttribute("value")).isEqualTo("email");
            new Select(browser.driver().findElement(By.id("map-4"))).selectByValue("attributes.City");
            browser.screenshot("13-import-mapping");
            browser.driver().findElement(By.id("import-preview")).click();

            browser.await(By.id("import-start"));
            browser.awaitText(By.id("wizard"), "+447911123202");
            browser.screenshot("14-import-preview");
            browser.driver().findElement(By.id("import-start")).click();

            browser.await(By.id("import-report"));
            assertThat(browser.driver().findElement(By.id("import-imported")).getText()).isEqualTo("2");
            assertThat(browser.driver().findElement(By.id("import-rejected")).getText()).isEqualTo("1");
            browser.screenshot("15-import-report");
            String href = browser.driver().findElement(By.id("import-rejects")).getAttribute("href");
            assertThat(URI.create(href).getPath()).matches("/v1/imports/imp_[0-9A-Z]+/rejects");
            // Download it as the browser would: same origin, the session cookie, no token in the page.
            Object rejects = browser.asyncScript("const done = arguments[arguments.length - 1];"
                    + "fetch(arguments[0], {credentials: 'same-origin'}).then(r => r.text().then(t => done(r.status + '\\n' + t)))"
                    + ".catch(e => done('error ' + e));", href);
            assertThat(rejects.toString()).startsWith("200\n").contains("not-a-number").contains("line").contains("reason");
        } finally {
            Files.deleteIfExists(csv);
        }
    }

    @Test
    @Order(4)
    void aFailedMessageShowsItsTimeline() throws IOException {
        visit("/messages/" + failedMessageId, "Message " + failedMessageId);
        browser.awaitText(By.id("message-status"), "failed");
        String timeline = browser.await(By.id("message-timeline")).getText();
        assertThat(timeline).contains("queued").contains("sending").contains("failed");
        assertThat(browser.driver().findElement(By.id("message-error")).getText()).isNotEqualTo("—");
        browser.screenshot("16-message-failed");
    }

    long number(String id) {
        return fresh(() -> Long.parseLong(browser.driver().findElement(By.id(id)).getText().trim()));
    }

    /** Reads the page again when a live update replaced the element between finding and reading it. */
    static <T> T fresh(java.util.function.Supplier<T> read) {
        for (int attempt = 1; ; attempt++) {
            try {
                return read.get();
            } catch (org.openqa.selenium.StaleElementReferenceException e) {
                if (attempt == 10) {
                    throw e;
                }
            }
        }
    }

    void until(String what, java.util.function.BooleanSupplier condition) {
        new WebDriverWait(browser.driver(), Duration.ofSeconds(30)).withMessage(what)
                .ignoring(org.openqa.selenium.StaleElementReferenceException.class).until(d -> condition.getAsBoolean());
    }

    String campaignStatus() {
        return fresh(() -> browser.driver().findElement(By.id("campaign-status")).getAttribute("data-status"));
    }

    boolean enabled(String action) {
        return fresh(() -> browser.driver().findElement(By.id("campaign-" + action)).isEnabled());
    }

    long liveEvents() {
        return fresh(() -> Long.parseLong(browser.driver().findElement(By.id("campaign-live")).getAttribute("data-events")));
    }

    @Test
    @Order(5)
    void aCampaignMadeInTheWizardRunsLivePausesResumesAndCompletes() throws IOException {
        visit("/campaigns", "Campaigns");
        browser.driver().findElement(By.id("campaign-new")).click();
        browser.awaitPage("New campaign");
        browser.await(By.id("cmp-name")).sendKeys(CAMPAIGN);
        browser.driver().findElement(By.cssSelector("input[name='list'][value='" + audienceListId + "']")).click();
        browser.screenshot("19-campaign-wizard-audience");
        browser.driver().findElement(By.id("cmp-next-1")).click();

        // Content: the SMS segment count follows the text as it is typed (POST /v1/templates/preview).
        browser.await(By.id("cmp-text")).sendKeys("Hello {{firstName}}, our spring sale starts today.");
        browser.awaitText(By.id("cmp-segments"), "1 segment");
        browser.driver().findElement(By.id("cmp-text")).sendKeys(" Everything in the shop is 20% off until Sunday, and delivery"
                + " is free on every order over ten pounds. Reply STOP to opt out.");
        browser.awaitText(By.id("cmp-segments"), "2 segments");
        assertThat(browser.driver().findElement(By.id("cmp-sms-count")).getText()).contains("GSM-7");
        browser.screenshot("20-campaign-wizard-content");
        browser.driver().findElement(By.id("cmp-next-2")).click();

        // Delivery: a small rate of its own, so the run lasts long enough to pause it.
        browser.await(By.id("cmp-rate")).sendKeys("4");
        browser.screenshot("21-campaign-wizard-delivery");
        browser.driver().findElement(By.id("cmp-next-3")).click();

        // Preview: the draft is saved; the preview route may not exist on this server yet.
        browser.await(By.id("cmp-launch"));
        new WebDriverWait(browser.driver(), Duration.ofSeconds(20)).until(d ->
                !d.findElements(By.id("cmp-preview")).isEmpty() || !d.findElements(By.id("cmp-preview-missing")).isEmpty());
        if (browser.driver().findElements(By.id("cmp-preview")).isEmpty()) {
            assertThat(browser.driver().findElement(By.id("cmp-preview-missing")).getText()).startsWith("Preview not available");
        } else {
            // Needs POST /v1/campaigns/{id}/preview: 24 members, none suppressed, 2 segments × 0.01 USD each.
            assertThat(number("cmp-eligible")).isEqualTo(AUDIENCE);
            assertThat(number("cmp-suppressed")).isZero();
            assertThat(number("cmp-missing")).isZero();
            assertThat(browser.driver().findElement(By.id("cmp-cost")).getText()).matches("0\\.480* USD");
        }
        browser.screenshot("22-campaign-wizard-preview");
        browser.driver().findElement(By.id("cmp-launch")).click();

        // The detail page follows the run over server-sent events.
        browser.awaitPage(CAMPAIGN);
        campaignId = browser.driver().getCurrentUrl().replaceAll(".*#/campaigns/", "");
        assertThat(campaignId).matches("cmp_[0-9A-Z]+");
        until("some sends accepted", () -> number("campaign-accepted") >= 4);
        assertThat(campaignStatus()).isEqualTo("running");
        assertThat(enabled("pause")).isTrue();
        assertThat(enabled("resume")).isFalse();
        assertThat(enabled("launch")).isFalse();
        browser.screenshot("23-campaign-running");

        browser.driver().findElement(By.id("campaign-pause")).click();
        until("the page shows it paused", () -> "paused".equals(campaignStatus()));
        assertThat(enabled("pause")).isFalse();
        assertThat(enabled("resume")).isTrue();
        // Sends already claimed finish; then nothing more reaches the simulator while the page keeps updating.
        until("no send in flight", () -> "0".equals(browser.driver().findElement(By.id("campaign-cards")).getAttribute("data-sending")));
        long events = liveEvents();
        until("a later progress event", () -> liveEvents() > events);
        long atPause = number("campaign-accepted");
        int ledgerAtPause = simulator.ledger().entries().size();
        assertThat(atPause).as("paused mid-way").isLessThan(AUDIENCE);
        assertThat((long) ledgerAtPause).as("the page agrees with the simulator").isEqualTo(atPause);
        long watched = liveEvents();
        until("three more progress events while paused", () -> {
            assertThat(number("campaign-accepted")).as("accepted while paused").isEqualTo(atPause);
            assertThat(simulator.ledger().entries()).as("the simulator's ledger while paused").hasSize(ledgerAtPause);
            return liveEvents() >= watched + 3;
        });
        browser.screenshot("24-campaign-paused");

        browser.driver().findElement(By.id("campaign-resume")).click();
        until("the campaign completes on the page", () -> "completed".equals(campaignStatus()));
        assertThat(browser.driver().findElement(By.id("campaign-percent")).getText()).isEqualTo("100 %");
        assertThat(number("campaign-accepted")).isEqualTo(AUDIENCE);
        assertThat(browser.driver().findElement(By.id("campaign-live")).getText()).isEqualTo("The campaign is completed.");
        assertThat(enabled("pause")).isFalse();
        assertThat(enabled("resume")).isFalse();
        assertThat(enabled("cancel")).isFalse();
        assertThat(enabled("retry-failed")).isTrue();
        List<LedgerEntry> ledger = simulator.ledger().entries();
        assertThat(ledger).hasSize(AUDIENCE);
        assertThat(new HashSet<>(ledger.stream().map(LedgerEntry::to).toList())).as("every recipient once").hasSize(AUDIENCE);
        Object rates = browser.script("const c = Chart.getChart(document.getElementById('send-rate'));"
                + " return c ? Math.max(0, ...c.data.datasets[0].data) : -1;");
        assertThat(((Number) rates).doubleValue()).as("the send-rate chart's highest point").isPositive();
        browser.screenshot("25-campaign-completed");

        visit("/campaigns", "Campaigns");
        browser.awaitText(By.id("campaign-list"), CAMPAIGN);
        assertThat(browser.driver().findElement(By.id("campaign-list")).getText()).contains("completed").contains("100 %");
        browser.screenshot("26-campaigns");
        browser.resize(820, 1180);
        visit("/campaigns/" + campaignId, CAMPAIGN);
        browser.screenshot("26-campaign-tablet");
        browser.resize(1280, 900);
    }

    /**
     * A button the page still offers, for a move the API refuses because someone else moved the campaign
     * first: the 409 names the state, the page says so and the buttons follow it. The progress stream is
     * blocked in the browser for this test, or it would show the change before the click.
     */
    @Test
    @Order(6)
    void aRefusedTransitionShowsTheCampaignsCurrentState() throws IOException {
        String owner = server.login(OWNER, OWNER_PASSWORD);
        String draft = created(http.post("/v1/campaigns").bearer(owner).json(Map.of("name", "Changed elsewhere", "channel", "sms",
                "audience", Map.of("listIds", List.of(audienceListId)), "content", Map.of("text", "Hello"))).send()).get("id").asText();
        browser.driver().executeCdpCommand("Network.enable", Map.of());
        browser.driver().executeCdpCommand("Network.setBlockedURLs", Map.of("urls", List.of("*/stream")));
        try {
            // A draft opens in the wizard with its definition; the change is saved with a PATCH.
            visit("/campaigns/" + draft, "Changed elsewhere");
            browser.driver().findElement(By.id("campaign-edit")).click();
            browser.awaitPage("Edit Changed elsewhere");
            assertThat(browser.await(By.id("cmp-name")).getAttribute("value")).isEqualTo("Changed elsewhere");
            assertThat(browser.driver().findElement(By.cssSelector("input[name='list'][value='" + audienceListId + "']")).isSelected()).isTrue();
            browser.driver().findElement(By.id("cmp-next-1")).click();
            browser.await(By.id("cmp-text")).sendKeys(" there");
            assertThat(browser.driver().findElement(By.id("cmp-template-box")).isDisplayed()).as("the template choice is hidden for inline content").isFalse();
            browser.driver().findElement(By.id("cmp-next-2")).click();
            browser.await(By.id("cmp-next-3")).click();
            browser.await(By.id("cmp-keep-draft")).click();
            browser.awaitPage("Changed elsewhere");
            assertThat(http.get("/v1/campaigns/" + draft).bearer(owner).send().json().at("/content/text").asText()).isEqualTo("Hello there");

            assertThat(campaignStatus()).isEqualTo("draft");
            assertThat(enabled("launch")).isTrue();
            assertThat(browser.driver().findElement(By.id("campaign-edit")).isDisplayed()).isTrue();
            Http.Response canceled = http.post("/v1/campaigns/" + draft + "/cancel").bearer(owner).send();
            assertThat(canceled.status()).as(canceled.body()).isEqualTo(200);
            browser.driver().findElement(By.id("campaign-launch")).click();
            browser.awaitText(By.id("main"), "Not possible now: the campaign is canceled");
            assertThat(campaignStatus()).isEqualTo("canceled");
            for (String action : List.of("launch", "pause", "resume", "cancel", "retry-failed")) {
                assertThat(enabled(action)).as(action).isFalse();
            }
            assertThat(browser.driver().findElement(By.id("campaign-edit")).isDisplayed()).as("a canceled campaign cannot be edited").isFalse();
            browser.screenshot("27-campaign-conflict");
        } finally {
            browser.driver().executeCdpCommand("Network.setBlockedURLs", Map.of("urls", List.of()));
        }
    }

    @Test
    @Order(7)
    void anAgentsPagesHoldNoUnmaskedPhoneNumberOrEmail() throws IOException {
        logOut();
        logIn(AGENT, AGENT_PASSWORD);
        browser.awaitPage("Contacts");
        assertThat(browser.driver().findElements(By.cssSelector("nav a[href='#/people']"))).isEmpty();
        browser.awaitText(By.id("contact-results"), "Ada Lovelace");
        String list = browser.driver().getPageSource();
        visit("/contacts/" + contactId, "Ada Lovelace");
        browser.awaitText(By.id("contact-phone"), "*");
        String detail = browser.driver().getPageSource();
        browser.screenshot("17-agent-contact");
        visit("/messages", "Messages");
        browser.awaitText(By.id("message-results"), failedMessageId);
        String messages = browser.driver().getPageSource();
        visit("/messages/" + failedMessageId, "Message " + failedMessageId);
        browser.await(By.id("message-timeline"));
        String message = browser.driver().getPageSource();
        browser.screenshot("18-agent-message");
        visit("/campaigns", "Campaigns");
        browser.awaitText(By.id("campaign-list"), CAMPAIGN);
        assertThat(browser.driver().findElements(By.id("campaign-new"))).as("agents do not create campaigns").isEmpty();
        String campaigns = browser.driver().getPageSource();
        visit("/campaigns/" + campaignId, CAMPAIGN);
        browser.awaitText(By.id("campaign-live"), "completed");
        assertThat(browser.driver().findElements(By.id("campaign-pause"))).as("agents see no campaign actions").isEmpty();
        String campaign = browser.driver().getPageSource();
        browser.screenshot("28-agent-campaign");
        for (String source : List.of(list, detail, messages, message, campaigns, campaign)) {
            for (String phone : FIXTURE_PHONES) {
                assertThat(source).doesNotContain(phone).doesNotContain(phone.substring(3));
            }
            assertThat(source).doesNotContain(FIXTURE_EMAIL).doesNotContain("+447911123201").doesNotContain("+4479111200");
        }
        // Nothing was kept in the browser's storage either.
        assertThat(browser.script("return localStorage.length + sessionStorage.length;")).isEqualTo(0L);
        // The platform pages are not a tenant user's: the router sends them home.
        assertThat(browser.driver().findElements(By.cssSelector("nav a[href^='#/operator/']"))).isEmpty();
        browser.open(base + "/#/operator/queues");
        browser.awaitPage("Contacts");
        logOut();
    }

    /**
     * A platform operator gets only the platform pages: every tenant's queues (here the Dash tenant's message
     * scheduled an hour ahead) with the live nodes, refreshed in place without taking the keyboard focus;
     * and the tenants, where a created tenant's owner password and key are shown once and a suspension
     * asks first and reaches the API.
     */
    @Test
    @Order(8)
    void anOperatorSeesEveryTenantsQueuesAndManagesTenants() throws IOException {
        server.parley().users().createOperator(OPERATOR, OPERATOR_PASSWORD);
        String owner = server.login(OWNER, OWNER_PASSWORD);
        String tenantId = server.me(owner).at("/tenant/id").asText();
        Http.Response later = http.post("/v1/messages").bearer(owner).json(Map.of("channel", "sms", "to", FIXTURE_PHONES.get(1),
                "content", Map.of("text", "See you tomorrow"), "sendAt", Instant.now().plusSeconds(3600).toString())).send();
        assertThat(later.status()).as(later.body()).isEqualTo(202);

        logIn(OPERATOR, OPERATOR_PASSWORD);
        browser.awaitPage("Platform queues");
        assertThat(browser.driver().findElements(By.cssSelector("nav a"))).extracting(a -> a.getAttribute("href"))
                .as("the operator's navigation").allMatch(h -> h.contains("#/operator/")).hasSize(2);
        By scheduled = By.cssSelector("tr[data-tenant='" + tenantId + "'] td.count-scheduled");
        browser.await(scheduled);
        assertThat(fresh(() -> Long.parseLong(browser.driver().findElement(scheduled).getText()))).as("Dash Ltd's scheduled").isGreaterThanOrEqualTo(1);
        assertThat(fresh(() -> browser.driver().findElements(By.cssSelector("#operator-nodes tbody tr")).size())).as("live nodes").isPositive();
        String refreshed = browser.driver().findElement(By.id("operator-queues")).getAttribute("data-refreshes");
        until("the board refreshes", () -> !refreshed.equals(browser.driver().findElement(By.id("operator-queues")).getAttribute("data-refreshes")));
        assertThat(browser.script("return document.activeElement.id;")).as("focus after a refresh").isEqualTo("page-title");
        browser.screenshot("29-operator-queues");

        // A tenant page is not the operator's: the router sends them back to their own.
        browser.open(base + "/#/contacts");
        browser.awaitPage("Platform queues");

        browser.driver().findElement(By.cssSelector("nav a[href='#/operator/tenants']")).click();
        browser.awaitPage("Tenants");
        browser.awaitText(By.id("tenant-list"), "Dash Ltd");
        browser.driver().findElement(By.id("tenant-name")).sendKeys("Second Co");
        browser.driver().findElement(By.id("tenant-email")).sendKeys("owner@second.test");
        browser.driver().findElement(By.id("tenant-create")).click();
        browser.await(By.id("tenant-new-key"));
        assertThat(browser.driver().findElement(By.id("tenant-created")).getText()).contains("Shown once");
        String key = browser.driver().findElement(By.id("tenant-new-key")).getText();
        String password = browser.driver().findElement(By.id("tenant-new-password")).getText();
        assertThat(key).startsWith("pk_");
        assertThat(server.me(key).at("/tenant/name").asText()).as("the shown key works").isEqualTo("Second Co");
        assertThat(server.login("owner@second.test", password)).as("the shown password works").isNotBlank();
        browser.awaitText(By.id("tenant-list"), "Second Co");
        browser.screenshot("30-operator-tenants");

        String second = server.me(key).at("/tenant/id").asText();
        browser.driver().findElement(By.id("tenant-toggle-" + second)).click();
        new WebDriverWait(browser.driver(), Duration.ofSeconds(10)).until(ExpectedConditions.alertIsPresent()).accept();
        until("the list shows it suspended", () -> "suspended".equals(
                browser.driver().findElement(By.id("tenant-status-" + second)).getAttribute("data-status")));
        assertThat(http.get("/v1/auth/me").bearer(key).send().status()).as("a suspended tenant's key").isEqualTo(403);
        assertThat(browser.driver().findElement(By.id("tenant-toggle-" + second)).getText()).isEqualTo("Reactivate");
        logOut();
    }

    @Test
    @Order(9)
    void noPageRequestedAnythingOutsideParleyOrBrokeThePolicy() {
        List<String> urls = browser.requested();
        assertThat(urls).as("requests were recorded").anyMatch(u -> u.startsWith(base + "/v1/"));
        for (String url : urls) {
            // data: and blob: never leave the page; chrome: is the browser's own new-tab page, opened before Parley's.
            if (url.startsWith("data:") || url.startsWith("blob:") || url.startsWith("chrome:")) {
                continue;
            }
            URI u = URI.create(url);
            assertThat(u.getScheme() + "://" + u.getAuthority()).as(url).isEqualTo(base);
        }
        assertThat(browser.console()).as("console messages").noneMatch(m -> m.contains("Content Security Policy"));
        assertThat(browser.console()).as("console messages").noneMatch(m -> m.startsWith("SEVERE") && !m.contains("/v1/"));
    }
}

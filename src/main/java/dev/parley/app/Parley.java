package dev.parley.app;

import dev.parley.core.Ids;
import dev.parley.core.SecretBox;
import dev.parley.contacts.ContactRoutes;
import dev.parley.contacts.Contacts;
import dev.parley.contacts.ContactsPersonalData;
import dev.parley.contacts.Consents;
import dev.parley.contacts.Gdpr;
import dev.parley.contacts.ImportRoutes;
import dev.parley.contacts.Imports;
import dev.parley.contacts.ListRoutes;
import dev.parley.contacts.Lists;
import dev.parley.contacts.SuppressionRoutes;
import dev.parley.contacts.Suppressions;
import dev.parley.db.Database;
import dev.parley.delivery.DeliveryEngine;
import dev.parley.delivery.Ledger;
import dev.parley.delivery.MessageRoutes;
import dev.parley.inbound.Callbacks;
import dev.parley.inbound.HookRoutes;
import dev.parley.inbound.Inbox;
import dev.parley.inbound.InboundPersonalData;
import dev.parley.inbound.InboundRoutes;
import dev.parley.inbound.Unsubscribe;
import dev.parley.templates.MessageComposition;
import dev.parley.templates.TemplateRoutes;
import dev.parley.templates.Templates;
import dev.parley.delivery.Nodes;
import dev.parley.delivery.QueueBoard;
import dev.parley.delivery.QueueRoutes;
import dev.parley.delivery.Receipts;
import dev.parley.delivery.TenantRates;
import dev.parley.providers.ProviderRegistry;
import dev.parley.providers.ProviderRoutes;
import dev.parley.providers.Routing;
import dev.parley.providers.RoutingRoutes;
import dev.parley.providers.ProviderStore;
import dev.parley.http.Api;
import dev.parley.http.Health;
import dev.parley.http.HttpServer;
import dev.parley.http.Idempotency;
import dev.parley.http.Pages;
import dev.parley.http.RateLimiter;
import dev.parley.tenancy.ApiKeys;
import dev.parley.tenancy.AuditLog;
import dev.parley.tenancy.AuthRoutes;
import dev.parley.tenancy.Credentials;
import dev.parley.tenancy.LoginThrottle;
import dev.parley.tenancy.OperatorRoutes;
import dev.parley.tenancy.PasswordHasher;
import dev.parley.tenancy.RetentionJob;
import dev.parley.tenancy.Sessions;
import dev.parley.tenancy.SettingsRoutes;
import dev.parley.tenancy.TenantSettings;
import dev.parley.tenancy.Tenants;
import dev.parley.tenancy.UserRoutes;
import dev.parley.tenancy.Users;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The composition root: every long-lived object of a Parley node is built here, by hand, in start-up
 * order, and stopped in reverse. Reading this class tells you the whole system.
 */
public final class Parley implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Parley.class);

    private final Config config;
    private final Clock clock;
    private final PrometheusMeterRegistry meters;
    private final Database database;
    private final Secrets secrets;
    private final AuditLog audit;
    private final Users users;
    private final Tenants tenants;
    private final Sessions sessions;
    private final ApiKeys apiKeys;
    private final LoginThrottle throttle;
    private final Idempotency idempotency;
    private final RateLimiter rateLimiter;
    private final ProviderStore providerStore;
    private final ProviderRegistry providerRegistry;
    private final Nodes nodes;
    private final Ledger ledger;
    private final Receipts receipts;
    private final String nodeId;
    private final TenantSettings tenantSettings;
    private final Consents consents;
    private final Contacts contacts;
    private final Lists lists;
    private final Suppressions suppressions;
    private final Imports imports;
    private final Gdpr gdpr;
    private final RetentionJob retention;
    private volatile HttpServer http;
    private Api api;
    private volatile DeliveryEngine engine;
    private dev.parley.delivery.DeliveryMetrics deliveryMetrics;
    private JvmGcMetrics gcMetrics;
    private ScheduledExecutorService housekeeping;
    private final Callbacks callbacks;
    private volatile dev.parley.campaigns.Campaigns campaigns;
    private dev.parley.campaigns.CampaignRunner campaignRunner;

    private Parley(Config config, Clock clock) {
        this.config = config;
        this.clock = clock;
        this.meters = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        this.secrets = Secrets.load(config);
        this.database = new Database(databaseSettings(config), meters);
        try {
            database.migrate();
        } catch (RuntimeException e) {
            database.close();
            throw e;
        }
        var jdbi = database.jdbi();
        PasswordHasher hasher = new PasswordHasher();
        this.audit = new AuditLog(jdbi, clock);
        this.sessions = new Sessions(jdbi, clock, config.sessionTtl(), secrets.key("csrf"));
        this.users = new Users(jdbi, clock, hasher, sessions, audit);
        this.apiKeys = new ApiKeys(jdbi, clock, audit);
        this.tenants = new Tenants(jdbi, clock, users, apiKeys, audit);
        this.throttle = new LoginThrottle(jdbi, clock);
        this.idempotency = new Idempotency(jdbi, clock, new dev.parley.core.SecretBox(secrets.key("idempotency")));
        this.rateLimiter = new RateLimiter(config.apiRate(), System::nanoTime);
        this.providerStore = new ProviderStore(jdbi, clock, new SecretBox(secrets.key("providers")));
        this.nodes = new Nodes(jdbi, clock);
        this.ledger = new Ledger(clock, database.dialect());
        this.receipts = new Receipts(jdbi, database.dialect(), clock);
        this.nodeId = Ids.next("nod", clock);
        this.tenantSettings = new TenantSettings(clock, audit);
        this.consents = new Consents(clock);
        this.contacts = new Contacts(clock, consents);
        this.lists = new Lists(clock, database.dialect());
        this.suppressions = new Suppressions(clock);
        Inbox inbox = new Inbox(jdbi, clock, ledger, contacts, consents, suppressions, tenantSettings, this::nudgeEngine);
        this.callbacks = new Callbacks(providerStore, receipts, inbox, suppressions, consents);
        this.providerRegistry = new ProviderRegistry(providerStore, clock, () -> java.net.URI.create(publicUrl()), callbacks);
        this.imports = new Imports(jdbi, database.dialect(), clock, lists, tenantSettings, config.dataDir());
        // Every place personal data lives; the delivery engine adds its message and inbound parts here.
        // The contact row goes last: erasing it removes what the others find by contact id.
        this.gdpr = new Gdpr(jdbi, clock, audit, imports, java.util.List.of(
                ContactsPersonalData.consentHistory(),
                ContactsPersonalData.suppressions(),
                ContactsPersonalData.importRejects(),
                audit.personalData(),
                new dev.parley.delivery.MessagesPersonalData(),
                new InboundPersonalData(),
                ContactsPersonalData.contact()));
        this.retention = new RetentionJob(jdbi, clock, tenantSettings, java.util.List.of(imports.expiry(), audit.expiry(),
                dev.parley.delivery.MessagesPersonalData.expiry(), InboundPersonalData.expiry()));
    }

    /**
     * Parley's public URL: {@code PARLEY_BASE_URL}, except that a server started on port 0 (tests) which was
     * not given one is reached on the port it actually bound.
     */
    private String publicUrl() {
        String base = config.baseUrl();
        HttpServer server = http;
        return server != null && base.endsWith(":0") ? base.substring(0, base.length() - 1) + server.port() : base;
    }

    private void nudgeEngine() {
        DeliveryEngine running = engine;
        if (running != null) {
            running.nudge();
        }
    }

    /** Opens the database and applies migrations, without serving anything (administrative commands). */
    public static Parley open(Config config) {
        return new Parley(config, Clock.systemUTC());
    }

    /** Opens the database and starts the HTTP API. */
    public static Parley serve(Config config) {
        return serve(config, Clock.systemUTC());
    }

    /** As {@link #serve(Config)} with the given clock; tests pass one they can move. */
    public static Parley serve(Config config, Clock clock) {
        Parley parley = new Parley(config, clock);
        try {
            parley.startServing();
        } catch (RuntimeException e) {
            parley.close();
            throw e;
        }
        return parley;
    }

    static Database.Settings databaseSettings(Config config) {
        String url = config.embedded() ? Database.h2Url(config.dataDir()) : config.dbUrl();
        return new Database.Settings(url, config.embedded() ? "sa" : config.dbUser(),
                config.embedded() ? "" : config.dbPassword(), config.dbPoolSize());
    }

    private void startServing() {
        new ClassLoaderMetrics().bindTo(meters);
        new JvmMemoryMetrics().bindTo(meters);
        gcMetrics = new JvmGcMetrics();
        gcMetrics.bindTo(meters);
        new JvmThreadMetrics().bindTo(meters);
        new ProcessorMetrics().bindTo(meters);
        new UptimeMetrics().bindTo(meters);

        var jdbi = database.jdbi();
        Unsubscribe unsubscribe = new Unsubscribe(jdbi, clock, secrets.key("unsubscribe"), this::publicUrl, suppressions, consents);
        nodes.register(nodeId, config.role(), Main.version());
        if (!config.role().equals("api")) {
            engine = DeliveryEngine.create(new DeliveryEngine.Settings(nodeId, config.sendConcurrency(), config.lease(),
                    config.shutdownGrace()), clock, database, nodes, providerRegistry, receipts);
            engine.unsubscribeLinks(unsubscribe);
            engine.start();
        }
        Runnable nudge = engine == null ? () -> { } : engine::nudge;
        deliveryMetrics = new dev.parley.delivery.DeliveryMetrics(jdbi, clock, meters, engine, providerRegistry);
        Pages pages = new Pages(secrets.key("cursor"));
        api = new Api();
        new AuthRoutes(users, sessions, new PasswordHasher(), throttle, audit, tenants, config.https()).register(api);
        new UserRoutes(jdbi, users, apiKeys, pages).register(api);
        new OperatorRoutes(tenants, pages).register(api);
        new SettingsRoutes(jdbi, tenantSettings, audit, pages).register(api);
        new ContactRoutes(jdbi, contacts, consents, gdpr, tenantSettings, pages).register(api);
        new ListRoutes(jdbi, lists, pages).register(api);
        new ImportRoutes(jdbi, imports, pages, config.maxImportBytes()).register(api);
        new SuppressionRoutes(jdbi, suppressions, database.dialect(), clock, tenantSettings, pages, config.dataDir(),
                config.maxImportBytes()).register(api);
        new ProviderRoutes(jdbi, providerStore, providerRegistry, audit, pages).register(api);
        Routing routing = new Routing(providerStore, clock);
        new RoutingRoutes(jdbi, routing, audit).register(api);
        Templates templates = new Templates(clock);
        new MessageRoutes(jdbi, ledger, providerStore, routing, new MessageComposition(templates, contacts), pages, clock, nudge)
                .register(api);
        new TemplateRoutes(jdbi, templates, contacts, pages).register(api);
        campaigns = new dev.parley.campaigns.Campaigns(clock, templates, routing, ledger);
        campaignRunner = dev.parley.campaigns.CampaignRunner.create(jdbi, database.dialect(), clock, campaigns, templates,
                routing, ledger, nudge);
        new dev.parley.campaigns.CampaignRoutes(jdbi, campaigns, pages, campaignRunner::nudge).register(api);
        new InboundRoutes(jdbi, pages).register(api);
        new HookRoutes(providerRegistry, callbacks, this::publicUrl).register(api);
        unsubscribe.register(api);
        new QueueRoutes(jdbi, new QueueBoard(clock, nodes, providerRegistry), ledger, nudge).register(api);
        new dev.parley.delivery.QueueTimeline(jdbi, clock).register(api);
        if (config.role().equals("worker")) {
            api = new Api();
        }

        Health health = new Health()
                .add("database", () -> database.ping(Duration.ofSeconds(2))
                        ? Health.Check.up(database.dialect().displayName())
                        : Health.Check.down(database.dialect().displayName() + " is unreachable"));

        HttpServer.Settings httpSettings = new HttpServer.Settings(config.host(), config.port(), config.maxBodyBytes(),
                config.maxImportBytes(), config.trustProxy(), config.https(), config.shutdownGrace());
        http = new HttpServer(httpSettings, api, new Credentials(sessions, apiKeys), idempotency, rateLimiter, health, meters)
                .start();

        if (engine != null) {
            campaignRunner.start();
        }
        housekeeping = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "parley-housekeeping");
            t.setDaemon(true);
            return t;
        });
        housekeeping.scheduleWithFixedDelay(this::purgeExpired, 1, 10, TimeUnit.MINUTES);
        housekeeping.scheduleWithFixedDelay(this::applyRetention, 2, 60, TimeUnit.MINUTES);
        log.info("Parley {} listening on http://{}:{} ({} database, role {})", Main.version(), config.host(), http.port(),
                database.dialect().displayName(), config.role());
    }

    private void purgeExpired() {
        try {
            int n = idempotency.purge() + throttle.purge() + sessions.purge();
            rateLimiter.evictIdle();
            if (n > 0) {
                log.debug("Housekeeping removed {} expired rows", n);
            }
        } catch (RuntimeException e) {
            log.warn("Housekeeping failed; will try again", e);
        }
    }

    private void applyRetention() {
        try {
            int n = retention.runOnce();
            if (n > 0) {
                log.info("Retention clean-up removed or anonymised {} rows", n);
            }
        } catch (RuntimeException e) {
            log.warn("Retention clean-up failed; will try again", e);
        }
    }

    public int port() {
        return http.port();
    }

    /** The registered {@code /v1} routes (for the OpenAPI consistency test and the bad-input sweep). */
    public java.util.List<Api.Route> routes() {
        return api.routes();
    }

    /** This node's delivery engine, or null on an {@code api} node. */
    public DeliveryEngine engine() {
        return engine;
    }

    /** Where provider events land (tests feed events through it as an adapter would). */
    public Callbacks callbacks() {
        return callbacks;
    }

    public Receipts receipts() {
        return receipts;
    }

    /** Campaigns: create and run them ({@code parley demo} makes its draft campaign here). Null until serving. */
    public dev.parley.campaigns.Campaigns campaigns() {
        return campaigns;
    }

    /** This node's campaign loop (tests and the launch benchmark drive it directly). */
    public dev.parley.campaigns.CampaignRunner campaignRunner() {
        return campaignRunner;
    }

    public Tenants tenants() {
        return tenants;
    }

    public Users users() {
        return users;
    }

    public Imports imports() {
        return imports;
    }

    public RetentionJob retention() {
        return retention;
    }

    public Database database() {
        return database;
    }

    public Config config() {
        return config;
    }

    /** Stops serving and closes the database, in reverse start-up order. */
    @Override
    public void close() {
        if (housekeeping != null) {
            housekeeping.shutdownNow();
        }
        if (http != null) {
            http.stop();
        }
        if (campaignRunner != null) {
            campaignRunner.close();
        }
        if (deliveryMetrics != null) {
            deliveryMetrics.close();
        }
        if (engine != null) {
            engine.close();
        } else if (http != null) {
            nodes.stopped(nodeId);
        }
        providerRegistry.close();
        imports.close();
        if (gcMetrics != null) {
            gcMetrics.close();
        }
        database.close();
        meters.close();
    }
}

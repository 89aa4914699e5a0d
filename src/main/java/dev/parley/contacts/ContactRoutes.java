package dev.parley.contacts;

import dev.parley.core.Failure;
import dev.parley.core.Ids;
import dev.parley.core.Principal;
import dev.parley.core.Role;
import dev.parley.db.TenantHandle;
import dev.parley.http.Access;
import dev.parley.http.Api;
import dev.parley.http.Bodies;
import dev.parley.http.Checks;
import dev.parley.http.Pages;
import dev.parley.http.Replies;
import dev.parley.tenancy.Actors;
import dev.parley.tenancy.TenantSettings;
import io.javalin.http.Context;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jdbi.v3.core.Jdbi;

/**
 * {@code /v1/contacts}: CRUD, search, consent, GDPR export and erase. Agents read, with phone numbers
 * and emails masked in every answer; supervisors write; erasure needs an admin.
 */
public final class ContactRoutes {
    private static final Set<String> SEARCH_PARAMS = Set.of("q", "phone", "email", "listId", "limit", "cursor");
    private static final int MAX_ATTRIBUTE_FILTERS = 5;

    private final Jdbi jdbi;
    private final Contacts contacts;
    private final Consents consents;
    private final Gdpr gdpr;
    private final TenantSettings settings;
    private final Pages pages;

    public ContactRoutes(Jdbi jdbi, Contacts contacts, Consents consents, Gdpr gdpr, TenantSettings settings, Pages pages) {
        this.jdbi = jdbi;
        this.contacts = contacts;
        this.consents = consents;
        this.gdpr = gdpr;
        this.settings = settings;
        this.pages = pages;
    }

    record ContactBody(String phone, String email, String firstName, String lastName, String timezone, String locale,
                       Map<String, Object> attributes, Map<String, String> consent) {}

    record ConsentBody(String channel, String status, String source) {}

    public void register(Api api) {
        Access agents = Access.role(Role.AGENT);
        Access supervisors = Access.role(Role.SUPERVISOR);
        api.get("/v1/contacts", agents, this::search);
        api.create("/v1/contacts", supervisors, this::create);
        api.get("/v1/contacts/{id}", agents, this::get);
        api.patch("/v1/contacts/{id}", supervisors, this::patch);
        api.delete("/v1/contacts/{id}", supervisors, this::delete);
        api.get("/v1/contacts/{id}/consent", agents, this::consentHistory);
        api.post("/v1/contacts/{id}/consent", supervisors, this::recordConsent);
        api.get("/v1/contacts/{id}/export", supervisors, this::export);
        api.post("/v1/contacts/{id}/erase", Access.role(Role.ADMIN), this::erase);
    }

    private void search(Context ctx, Principal who) {
        Pages.Request page = pages.request(ctx);
        Checks checks = new Checks();
        Map<String, String> attrs = new LinkedHashMap<>();
        for (Map.Entry<String, List<String>> p : ctx.queryParamMap().entrySet()) {
            String name = p.getKey();
            if (name.startsWith("attr.") && name.length() > 5 && name.length() <= 105) {
                attrs.put(name.substring(5), p.getValue().isEmpty() ? "" : p.getValue().getFirst());
            } else if (!SEARCH_PARAMS.contains(name)) {
                checks.add(name, "unknown", "unknown query parameter '" + name + "'; use q, phone, email, listId or attr.KEY");
            }
        }
        checks.check(attrs.size() <= MAX_ATTRIBUTE_FILTERS, "attr", "tooMany", "at most " + MAX_ATTRIBUTE_FILTERS + " attribute filters");
        String q = ContactInput.blankToNull(ctx.queryParam("q"));
        checks.maxLength("q", q, 200);
        String listId = ContactInput.blankToNull(ctx.queryParam("listId"));
        checks.check(listId == null || Ids.looksLike("lst", listId), "listId", "invalid", "listId must be a list id (lst_…)");
        checks.done();
        Replies.json(ctx, 200, jdbi.withHandle(h -> {
            TenantHandle th = new TenantHandle(h, who.tenantId());
            String phone = ContactInput.blankToNull(ctx.queryParam("phone"));
            if (phone != null) {
                Checked c = PhoneNumbers.toE164(phone, settings.get(th).defaultRegion());
                if (!c.isOk()) {
                    throw new Failure.Invalid("phone", "invalid", c.problem());
                }
                phone = c.value();
            }
            String email = ContactInput.blankToNull(ctx.queryParam("email"));
            if (email != null) {
                Checked c = EmailAddresses.normalise(email);
                if (!c.isOk()) {
                    throw new Failure.Invalid("email", "invalid", c.problem());
                }
                email = c.value();
            }
            var rows = contacts.search(th, new ContactStore.Filter(q, phone, email, listId, attrs), page);
            return pages.page(maskFor(who, rows), page, Contact::id);
        }));
    }

    private void create(Context ctx, Principal who) {
        ContactBody body = Bodies.read(ctx, ContactBody.class);
        check(body);
        Contact created = jdbi.inTransaction(h -> {
            TenantHandle th = new TenantHandle(h, who.tenantId());
            return contacts.create(th, fields(body), settings.get(th).defaultRegion(), who.actorId());
        });
        Replies.json(ctx, 201, created);
    }

    private void get(Context ctx, Principal who) {
        String id = Replies.pathId(ctx, "id", "ctc", "contact");
        Contact c = jdbi.withHandle(h -> contacts.get(new TenantHandle(h, who.tenantId()), id));
        Replies.json(ctx, 200, mask(who, c));
    }

    private void patch(Context ctx, Principal who) {
        String id = Replies.pathId(ctx, "id", "ctc", "contact");
        ContactBody body = Bodies.read(ctx, ContactBody.class);
        check(body);
        new Checks().check(body.consent() == null, "consent", "readOnly",
                "consent changes go through POST /v1/contacts/{id}/consent, which keeps their history").done();
        Contact updated = jdbi.inTransaction(h -> {
            TenantHandle th = new TenantHandle(h, who.tenantId());
            return contacts.patch(th, id, fields(body), settings.get(th).defaultRegion());
        });
        Replies.json(ctx, 200, updated);
    }

    private void delete(Context ctx, Principal who) {
        String id = Replies.pathId(ctx, "id", "ctc", "contact");
        jdbi.useTransaction(h -> contacts.delete(new TenantHandle(h, who.tenantId()), id));
        Replies.noContent(ctx);
    }

    private void consentHistory(Context ctx, Principal who) {
        String id = Replies.pathId(ctx, "id", "ctc", "contact");
        Pages.Request page = pages.request(ctx);
        Replies.json(ctx, 200, jdbi.withHandle(h -> {
            TenantHandle th = new TenantHandle(h, who.tenantId());
            contacts.get(th, id);
            return pages.page(consents.history(th, id, page), page, Consents.Event::id);
        }));
    }

    private void recordConsent(Context ctx, Principal who) {
        String id = Replies.pathId(ctx, "id", "ctc", "contact");
        ConsentBody body = Bodies.read(ctx, ConsentBody.class);
        new Checks().required("channel", body.channel())
                .check(body.channel() == null || Consents.CHANNELS.contains(body.channel()), "channel", "invalid", "channel must be sms or email")
                .required("status", body.status())
                .check(body.status() == null || Consents.STATUSES.contains(body.status()), "status", "invalid",
                        "status must be optedIn, unknown or optedOut")
                .required("source", body.source()).maxLength("source", body.source(), 200).done();
        Contact after = jdbi.inTransaction(h -> {
            TenantHandle th = new TenantHandle(h, who.tenantId());
            contacts.get(th, id);
            consents.record(th, id, body.channel(), body.status(), body.source().strip(), who.actorId());
            return contacts.get(th, id);
        });
        Replies.json(ctx, 200, after.consent());
    }

    private void export(Context ctx, Principal who) {
        String id = Replies.pathId(ctx, "id", "ctc", "contact");
        Replies.json(ctx, 200, gdpr.export(who.tenantId(), id, Actors.of(ctx, who)));
    }

    private void erase(Context ctx, Principal who) {
        String id = Replies.pathId(ctx, "id", "ctc", "contact");
        Replies.json(ctx, 200, gdpr.erase(who.tenantId(), id, Actors.of(ctx, who)));
    }

    private static void check(ContactBody b) {
        Checks checks = new Checks().maxLength("phone", b.phone(), 40).maxLength("email", b.email(), 320);
        if (b.attributes() != null) {
            b.attributes().forEach((k, v) -> checks.check(v == null || v instanceof String || v instanceof Number || v instanceof Boolean,
                    "attributes." + k, "type", "attribute values must be strings, numbers or booleans"));
        }
        if (b.consent() != null) {
            b.consent().forEach((channel, status) -> checks
                    .check(Consents.CHANNELS.contains(channel), "consent." + channel, "invalid", "consent channels are sms and email")
                    .check(status != null && Consents.STATUSES.contains(status), "consent." + channel, "invalid",
                            "consent status must be optedIn, unknown or optedOut"));
        }
        checks.done();
    }

    private static Contacts.Fields fields(ContactBody b) {
        return new Contacts.Fields(b.phone(), b.email(), b.firstName(), b.lastName(), b.timezone(), b.locale(), b.attributes(), b.consent());
    }

    static Contact mask(Principal who, Contact c) {
        return who.role() == Role.AGENT ? c.masked() : c;
    }

    static List<Contact> maskFor(Principal who, List<Contact> rows) {
        return who.role() == Role.AGENT ? rows.stream().map(Contact::masked).toList() : rows;
    }
}

package dev.parley.templates;

import dev.parley.contacts.Contact;
import dev.parley.contacts.Contacts;
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
import io.javalin.http.Context;
import java.util.Map;
import org.jdbi.v3.core.Jdbi;

/**
 * {@code /v1/templates}: supervisors write templates; agents read and preview them. A preview for a
 * contact shows an agent that contact's phone and email masked, as everywhere else (SPEC §2); values the
 * caller sends in {@code data} are shown as sent.
 */
public final class TemplateRoutes {
    private final Jdbi jdbi;
    private final Templates templates;
    private final Contacts contacts;
    private final Pages pages;

    public TemplateRoutes(Jdbi jdbi, Templates templates, Contacts contacts, Pages pages) {
        this.jdbi = jdbi;
        this.templates = templates;
        this.contacts = contacts;
        this.pages = pages;
    }

    record CreateBody(String name, String channel, String subject, String text, String html) {}

    record PatchBody(String name, String channel, String subject, String text, String html) {}

    record PreviewBody(String contactId, Map<String, Object> data, Boolean smartEncoding) {}

    record InlinePreviewBody(String channel, String subject, String text, String html, String contactId,
                             Map<String, Object> data, Boolean smartEncoding) {}

    public void register(Api api) {
        Access agents = Access.role(Role.AGENT);
        Access supervisors = Access.role(Role.SUPERVISOR);
        api.get("/v1/templates", agents, this::list);
        api.create("/v1/templates", supervisors, this::create);
        api.post("/v1/templates/preview", agents, this::previewInline);
        api.get("/v1/templates/{id}", agents, this::get);
        api.patch("/v1/templates/{id}", supervisors, this::patch);
        api.delete("/v1/templates/{id}", supervisors, this::delete);
        api.post("/v1/templates/{id}/preview", agents, this::preview);
    }

    private void list(Context ctx, Principal who) {
        Pages.Request page = pages.request(ctx);
        var rows = jdbi.withHandle(h -> templates.list(new TenantHandle(h, who.tenantId()), page));
        Replies.json(ctx, 200, pages.page(rows, page, MessageTemplate::id));
    }

    private void create(Context ctx, Principal who) {
        CreateBody b = Bodies.read(ctx, CreateBody.class);
        Content content = new Content(b.subject(), b.text(), b.html());
        Replies.json(ctx, 201, jdbi.inTransaction(h ->
                templates.create(new TenantHandle(h, who.tenantId()), b.name(), b.channel(), content)));
    }

    private void get(Context ctx, Principal who) {
        String id = Replies.pathId(ctx, "id", "tpl", "template");
        Replies.json(ctx, 200, jdbi.withHandle(h -> templates.get(new TenantHandle(h, who.tenantId()), id)));
    }

    private void patch(Context ctx, Principal who) {
        String id = Replies.pathId(ctx, "id", "tpl", "template");
        PatchBody b = Bodies.read(ctx, PatchBody.class);
        Replies.json(ctx, 200, jdbi.inTransaction(h -> {
            TenantHandle th = new TenantHandle(h, who.tenantId());
            if (b.channel() != null && !b.channel().equals(templates.get(th, id).channel())) {
                throw new Failure.Invalid("channel", "immutable", "a template's channel cannot change; create a new template");
            }
            return templates.patch(th, id, b.name(), new Content(b.subject(), b.text(), b.html()));
        }));
    }

    private void delete(Context ctx, Principal who) {
        String id = Replies.pathId(ctx, "id", "tpl", "template");
        jdbi.useTransaction(h -> templates.delete(new TenantHandle(h, who.tenantId()), id));
        Replies.noContent(ctx);
    }

    private void preview(Context ctx, Principal who) {
        String id = Replies.pathId(ctx, "id", "tpl", "template");
        // A missing or foreign template is a 404 whatever the body.
        MessageTemplate t = jdbi.withHandle(h -> templates.get(new TenantHandle(h, who.tenantId()), id));
        PreviewBody b = Bodies.read(ctx, PreviewBody.class);
        checkContactId(b.contactId());
        CompiledContent compiled = CompiledContent.compile(t.content());
        Variables values = variables(who, b.contactId(), b.data());
        Replies.json(ctx, 200, Preview.of(t.channel(), compiled.render(values), Boolean.TRUE.equals(b.smartEncoding())));
    }

    private void previewInline(Context ctx, Principal who) {
        InlinePreviewBody b = Bodies.read(ctx, InlinePreviewBody.class);
        new Checks().required("channel", b.channel())
                .check(b.channel() == null || Templates.CHANNELS.contains(b.channel()), "channel", "invalid",
                        "channel must be sms or email")
                .done();
        checkContactId(b.contactId());
        CompiledContent compiled = Templates.checkContent(b.channel(), new Content(b.subject(), b.text(), b.html()), "");
        Variables values = variables(who, b.contactId(), b.data());
        Replies.json(ctx, 200, Preview.of(b.channel(), compiled.render(values), Boolean.TRUE.equals(b.smartEncoding())));
    }

    private static void checkContactId(String contactId) {
        new Checks().check(contactId == null || Ids.looksLike("ctc", contactId), "contactId", "invalid",
                "contactId is not a contact id (ctc_…)").done();
    }

    /** The contact's fields (masked for an agent) under the caller's data; a missing contact is a 400 on contactId. */
    private Variables variables(Principal who, String contactId, Map<String, Object> data) {
        if (contactId == null) {
            return Variables.of(data);
        }
        Contact contact;
        try {
            contact = jdbi.withHandle(h -> contacts.get(new TenantHandle(h, who.tenantId()), contactId));
        } catch (Failure.NotFound e) {
            throw new Failure.Invalid("contactId", "notFound", "no such contact: " + contactId);
        }
        return Variables.of(who.role() == Role.AGENT ? contact.masked() : contact, data);
    }
}

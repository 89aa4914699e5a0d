package dev.parley.contacts;

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
import java.util.List;
import java.util.Map;
import org.jdbi.v3.core.Jdbi;

/** {@code /v1/lists} and their members. Agents read (members masked); supervisors change. */
public final class ListRoutes {
    private final Jdbi jdbi;
    private final Lists lists;
    private final Pages pages;

    public ListRoutes(Jdbi jdbi, Lists lists, Pages pages) {
        this.jdbi = jdbi;
        this.lists = lists;
        this.pages = pages;
    }

    record ListBody(String name, String description) {}

    record MembersBody(List<String> contactIds) {}

    public void register(Api api) {
        Access agents = Access.role(Role.AGENT);
        Access supervisors = Access.role(Role.SUPERVISOR);
        api.get("/v1/lists", agents, this::list);
        api.create("/v1/lists", supervisors, this::create);
        api.get("/v1/lists/{id}", agents, this::get);
        api.patch("/v1/lists/{id}", supervisors, this::patch);
        api.delete("/v1/lists/{id}", supervisors, this::delete);
        api.get("/v1/lists/{id}/members", agents, this::members);
        api.post("/v1/lists/{id}/members", supervisors, this::addMembers);
        api.delete("/v1/lists/{id}/members", supervisors, this::removeMembers);
    }

    private void list(Context ctx, Principal who) {
        Pages.Request page = pages.request(ctx);
        var rows = jdbi.withHandle(h -> lists.list(new TenantHandle(h, who.tenantId()), page));
        Replies.json(ctx, 200, pages.page(rows, page, Lists.ContactList::id));
    }

    private void create(Context ctx, Principal who) {
        ListBody body = Bodies.read(ctx, ListBody.class);
        new Checks().required("name", body.name()).maxLength("name", body.name(), 200)
                .maxLength("description", body.description(), 1000).done();
        Replies.json(ctx, 201, jdbi.inTransaction(h -> lists.create(new TenantHandle(h, who.tenantId()), body.name().strip(),
                ContactInput.blankToNull(body.description()))));
    }

    private void get(Context ctx, Principal who) {
        String id = Replies.pathId(ctx, "id", "lst", "list");
        Replies.json(ctx, 200, jdbi.withHandle(h -> lists.get(new TenantHandle(h, who.tenantId()), id)));
    }

    private void patch(Context ctx, Principal who) {
        String id = Replies.pathId(ctx, "id", "lst", "list");
        ListBody body = Bodies.read(ctx, ListBody.class);
        new Checks().check(body.name() == null || !body.name().isBlank(), "name", "required", "name cannot be blank")
                .maxLength("name", body.name(), 200).maxLength("description", body.description(), 1000).done();
        Replies.json(ctx, 200, jdbi.inTransaction(h -> lists.update(new TenantHandle(h, who.tenantId()), id,
                body.name() == null ? null : body.name().strip(), body.description())));
    }

    private void delete(Context ctx, Principal who) {
        String id = Replies.pathId(ctx, "id", "lst", "list");
        jdbi.useTransaction(h -> lists.delete(new TenantHandle(h, who.tenantId()), id));
        Replies.noContent(ctx);
    }

    private void members(Context ctx, Principal who) {
        String id = Replies.pathId(ctx, "id", "lst", "list");
        Pages.Request page = pages.request(ctx);
        Replies.json(ctx, 200, jdbi.withHandle(h -> {
            var rows = lists.members(new TenantHandle(h, who.tenantId()), id, page);
            return pages.page(ContactRoutes.maskFor(who, rows), page, Contact::id);
        }));
    }

    private void addMembers(Context ctx, Principal who) {
        String id = Replies.pathId(ctx, "id", "lst", "list");
        List<String> ids = contactIds(ctx);
        int added = jdbi.inTransaction(h -> lists.add(new TenantHandle(h, who.tenantId()), id, ids));
        Replies.json(ctx, 200, Map.of("added", added));
    }

    private void removeMembers(Context ctx, Principal who) {
        String id = Replies.pathId(ctx, "id", "lst", "list");
        // A missing or foreign list is a 404 whatever the body: a DELETE's body is easy to leave out.
        jdbi.useHandle(h -> lists.get(new TenantHandle(h, who.tenantId()), id));
        List<String> ids = contactIds(ctx);
        int removed = jdbi.inTransaction(h -> lists.remove(new TenantHandle(h, who.tenantId()), id, ids));
        Replies.json(ctx, 200, Map.of("removed", removed));
    }

    private static List<String> contactIds(Context ctx) {
        MembersBody body = Bodies.read(ctx, MembersBody.class);
        Checks checks = new Checks().required("contactIds", body.contactIds());
        if (body.contactIds() != null) {
            checks.check(!body.contactIds().isEmpty() && body.contactIds().size() <= Lists.MAX_BATCH, "contactIds", "size",
                    "contactIds must hold 1 to " + Lists.MAX_BATCH + " ids");
            checks.check(body.contactIds().stream().allMatch(i -> dev.parley.core.Ids.looksLike("ctc", i)), "contactIds", "invalid",
                    "every entry of contactIds must be a contact id (ctc_…)");
        }
        checks.done();
        return body.contactIds();
    }
}

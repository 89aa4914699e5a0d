package dev.parley.contacts;

import dev.parley.core.Failure;
import dev.parley.core.Ids;
import dev.parley.db.Dialect;
import dev.parley.db.TenantHandle;
import dev.parley.http.Pages;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Contact lists and their members. Adding and removing members is one set-based statement per call
 * (at most {@link #MAX_BATCH} ids); adding someone already on the list is not an error.
 */
public final class Lists {
    public static final int MAX_BATCH = 1_000;

    private final Clock clock;
    private final Dialect dialect;

    public Lists(Clock clock, Dialect dialect) {
        this.clock = clock;
        this.dialect = dialect;
    }

    public record ContactList(String id, String name, String description, long memberCount, Instant createdAt, Instant updatedAt) {}

    public ContactList create(TenantHandle th, String name, String description) {
        if (idByName(th, name).isPresent()) {
            throw new Failure.Conflict("a list named '" + name + "' already exists");
        }
        String id = Ids.next("lst", clock);
        Instant now = clock.instant();
        try {
            th.update("""
                    INSERT INTO contact_list (id, tenant_id, name, description, created_at, updated_at)
                    VALUES (:id, :tenant, :name, :description, :now, :now)""")
                    .bind("id", id).bind("name", name).bind("description", description).bind("now", now).execute();
        } catch (RuntimeException e) {
            if (Contacts.unlessDuplicate(e) != e) {
                throw new Failure.Conflict("a list named '" + name + "' already exists");
            }
            throw e;
        }
        return get(th, id);
    }

    /** The list named {@code name}, made when missing (imports and the CLI address lists by name). */
    public String ensure(TenantHandle th, String name) {
        return idByName(th, name).orElseGet(() -> create(th, name, null).id());
    }

    public Optional<String> idByName(TenantHandle th, String name) {
        return th.query("SELECT id FROM contact_list WHERE tenant_id = :tenant AND name = :name").bind("name", name)
                .mapTo(String.class).findOne();
    }

    public ContactList get(TenantHandle th, String id) {
        return th.query(SELECT + " WHERE l.tenant_id = :tenant AND l.id = :id").bind("id", id)
                .map((rs, ctx) -> map(rs)).findOne().orElseThrow(() -> new Failure.NotFound("list"));
    }

    public List<ContactList> list(TenantHandle th, Pages.Request page) {
        return th.query(SELECT + " WHERE l.tenant_id = :tenant AND (CAST(:before AS VARCHAR) IS NULL OR l.id < :before)"
                        + " ORDER BY l.id DESC LIMIT :limit")
                .bind("before", page.before()).bind("limit", page.limit() + 1).map((rs, ctx) -> map(rs)).list();
    }

    public ContactList update(TenantHandle th, String id, String name, String description) {
        ContactList current = get(th, id);
        if (name != null && !name.equals(current.name()) && idByName(th, name).isPresent()) {
            throw new Failure.Conflict("a list named '" + name + "' already exists");
        }
        th.update("UPDATE contact_list SET name = :name, description = :description, updated_at = :now WHERE tenant_id = :tenant AND id = :id")
                .bind("name", name == null ? current.name() : name)
                .bind("description", description == null ? current.description() : description.isEmpty() ? null : description)
                .bind("now", clock.instant()).bind("id", id).execute();
        return get(th, id);
    }

    /**
     * Deletes the list and its memberships; the contacts stay. The list is locked first: whatever gives it members
     * (an import chunk, {@link #add}) holds a reference lock on its row while it does, so it either commits before the
     * memberships are deleted here or then finds the list gone (MembershipRacesTest).
     */
    public void delete(TenantHandle th, String id) {
        if (th.query("SELECT id FROM contact_list WHERE tenant_id = :tenant AND id = :id FOR UPDATE").bind("id", id)
                .mapTo(String.class).findOne().isEmpty()) {
            throw new Failure.NotFound("list");
        }
        th.update("DELETE FROM list_member WHERE tenant_id = :tenant AND list_id = :id").bind("id", id).execute();
        th.update("DELETE FROM contact_list WHERE tenant_id = :tenant AND id = :id").bind("id", id).execute();
    }

    /**
     * Whether the tenant's list {@code id} exists, holding it (a reference lock) until the transaction ends: a
     * transaction that gives the list members calls this first, so that {@link #delete} waits for it rather than
     * leaving the members it adds behind.
     */
    static boolean holdForMembers(TenantHandle th, Dialect dialect, String id) {
        return th.query("SELECT id FROM contact_list WHERE tenant_id = :tenant AND id = :id " + dialect.referenceLock())
                .bind("id", id).mapTo(String.class).findOne().isPresent();
    }

    /** Adds the tenant's contacts among {@code contactIds}; returns how many joined. Unknown ids are a 400. */
    public int add(TenantHandle th, String listId, List<String> contactIds) {
        if (!holdForMembers(th, dialect, listId)) {
            throw new Failure.NotFound("list");
        }
        requireContacts(th, contactIds);
        return th.update("""
                INSERT INTO list_member (list_id, contact_id, tenant_id, added_at)
                SELECT :list, c.id, c.tenant_id, :now FROM contact c
                WHERE c.tenant_id = :tenant AND c.id IN (<ids>)
                  AND NOT EXISTS (SELECT 1 FROM list_member m WHERE m.list_id = :list AND m.contact_id = c.id)""")
                .bind("list", listId).bind("now", clock.instant()).bindList("ids", contactIds).execute();
    }

    public int remove(TenantHandle th, String listId, List<String> contactIds) {
        get(th, listId);
        return th.update("DELETE FROM list_member WHERE tenant_id = :tenant AND list_id = :list AND contact_id IN (<ids>)")
                .bind("list", listId).bindList("ids", contactIds).execute();
    }

    /** Members of the list, newest contact first. */
    public List<Contact> members(TenantHandle th, String listId, Pages.Request page) {
        get(th, listId);
        return th.query("SELECT " + ContactStore.COLUMNS + """
                         FROM contact c JOIN list_member m ON m.contact_id = c.id
                        WHERE m.list_id = :list AND c.tenant_id = :tenant AND (CAST(:before AS VARCHAR) IS NULL OR c.id < :before)
                        ORDER BY c.id DESC LIMIT :limit""")
                .bind("list", listId).bind("before", page.before()).bind("limit", page.limit() + 1)
                .map((rs, ctx) -> ContactStore.map(rs)).list();
    }

    /**
     * Refuses ids that are not the tenant's contacts, and holds the others (a reference lock, in id order) until the
     * transaction ends, so that a contact deleted meanwhile is either deleted after its new membership or found gone.
     */
    private void requireContacts(TenantHandle th, List<String> contactIds) {
        List<String> found = th.query("SELECT id FROM contact WHERE tenant_id = :tenant AND id IN (<ids>) ORDER BY id "
                        + dialect.referenceLock())
                .bindList("ids", contactIds).mapTo(String.class).list();
        if (found.size() < contactIds.stream().distinct().count()) {
            List<String> missing = contactIds.stream().filter(id -> !found.contains(id)).distinct().limit(20).toList();
            throw new Failure.Invalid("contactIds", "notFound", "no such contact: " + String.join(", ", missing));
        }
    }

    private static final String SELECT = """
            SELECT l.id, l.name, l.description, l.created_at, l.updated_at,
                   (SELECT COUNT(*) FROM list_member m WHERE m.list_id = l.id) AS member_count
            FROM contact_list l""";

    private static ContactList map(java.sql.ResultSet rs) throws java.sql.SQLException {
        return new ContactList(rs.getString("id"), rs.getString("name"), rs.getString("description"), rs.getLong("member_count"),
                rs.getTimestamp("created_at").toInstant(), rs.getTimestamp("updated_at").toInstant());
    }
}

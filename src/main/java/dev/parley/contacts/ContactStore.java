package dev.parley.contacts;

import com.fasterxml.jackson.core.type.TypeReference;
import dev.parley.core.Json;
import dev.parley.db.LikePatterns;
import dev.parley.db.TenantHandle;
import dev.parley.http.Pages;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * SQL for the {@code contact} table. Attributes are canonical JSON text (always written by {@link Json},
 * so {@code {"k":"v"}} without spaces), searched by {@link AttributeMatch}.
 */
final class ContactStore {
    static final String COLUMNS = """
            c.id, c.phone, c.email, c.first_name, c.last_name, c.timezone, c.locale, c.attributes_json,
            c.sms_consent, c.sms_consent_source, c.sms_consent_at, c.email_consent, c.email_consent_source,
            c.email_consent_at, c.created_at, c.updated_at""";
    private static final TypeReference<LinkedHashMap<String, Object>> MAP = new TypeReference<>() {};

    /** Search filters; null means "any". {@code attributes} are exact matches on top-level string, number or boolean values. */
    record Filter(String q, String phone, String email, String listId, Map<String, String> attributes) {}

    Optional<Contact> get(TenantHandle th, String id) {
        return th.query("SELECT " + COLUMNS + " FROM contact c WHERE c.tenant_id = :tenant AND c.id = :id")
                .bind("id", id).map((rs, ctx) -> map(rs)).findOne()
                .map(c -> c.withListIds(listIds(th, List.of(c.id())).getOrDefault(c.id(), List.of())));
    }

    Optional<String> idByPhone(TenantHandle th, String phone) {
        return th.query("SELECT id FROM contact WHERE tenant_id = :tenant AND phone = :phone").bind("phone", phone)
                .mapTo(String.class).findOne();
    }

    Optional<String> idByEmail(TenantHandle th, String email) {
        return th.query("SELECT id FROM contact WHERE tenant_id = :tenant AND email = :email").bind("email", email)
                .mapTo(String.class).findOne();
    }

    void insert(TenantHandle th, String id, ContactInput in, Instant now) {
        th.update("""
                INSERT INTO contact (id, tenant_id, tenant_num, phone, email, first_name, last_name, timezone, locale,
                                     attributes_json, created_at, updated_at)
                VALUES (:id, :tenant, (SELECT num FROM tenant WHERE id = :tenant), :phone, :email, :first, :last, :tz, :locale,
                        :attrs, :now, :now)""")
                .bind("id", id).bind("phone", in.phone()).bind("email", in.email()).bind("first", in.firstName())
                .bind("last", in.lastName()).bind("tz", in.timezone()).bind("locale", in.locale())
                .bind("attrs", Json.write(in.attributes())).bind("now", now).execute();
    }

    void update(TenantHandle th, String id, ContactInput in, Instant now) {
        th.update("""
                UPDATE contact SET phone = :phone, email = :email, first_name = :first, last_name = :last, timezone = :tz,
                       locale = :locale, attributes_json = :attrs, updated_at = :now
                WHERE tenant_id = :tenant AND id = :id""")
                .bind("id", id).bind("phone", in.phone()).bind("email", in.email()).bind("first", in.firstName())
                .bind("last", in.lastName()).bind("tz", in.timezone()).bind("locale", in.locale())
                .bind("attrs", Json.write(in.attributes())).bind("now", now).execute();
    }

    /**
     * The tenant's list ids: memberships are keyed by list, so a contact's are found with one primary-key probe per
     * list of its tenant (there is no index by contact, which every imported membership would pay for).
     */
    private static final String TENANT_LISTS = "SELECT l.id FROM contact_list l WHERE l.tenant_id = :tenant";

    /**
     * Deletes the contact with its memberships and consent history (there are no cascading keys). The contact is locked
     * first: whatever gives it a membership holds or takes a lock on its row (an import chunk's lookup, a list's add),
     * so it either commits before the memberships are deleted here or then finds the contact gone. Deleting the
     * memberships first and the contact last left a membership an import committed in between (MembershipRacesTest).
     */
    int delete(TenantHandle th, String id) {
        if (th.query("SELECT id FROM contact WHERE tenant_id = :tenant AND id = :id FOR UPDATE").bind("id", id)
                .mapTo(String.class).findOne().isEmpty()) {
            return 0;
        }
        th.update("DELETE FROM list_member WHERE list_id IN (" + TENANT_LISTS + ") AND contact_id = :id").bind("id", id).execute();
        th.update("DELETE FROM consent_event WHERE tenant_id = :tenant AND contact_id = :id").bind("id", id).execute();
        return th.update("DELETE FROM contact WHERE tenant_id = :tenant AND id = :id").bind("id", id).execute();
    }

    /** One page of contacts matching {@code f}, newest first; fragments are constants, every value is bound. */
    List<Contact> search(TenantHandle th, Filter f, Pages.Request page) {
        StringBuilder sql = new StringBuilder("SELECT " + COLUMNS + " FROM contact c WHERE c.tenant_id = :tenant");
        Map<String, Object> binds = new HashMap<>();
        if (page.before() != null) {
            sql.append(" AND c.id < :before");
            binds.put("before", page.before());
        }
        if (f.phone() != null) {
            sql.append(" AND c.phone = :phone");
            binds.put("phone", f.phone());
        }
        if (f.email() != null) {
            sql.append(" AND c.email = :email");
            binds.put("email", f.email());
        }
        if (f.listId() != null) {
            sql.append(" AND EXISTS (SELECT 1 FROM list_member m WHERE m.list_id = :listId AND m.contact_id = c.id)");
            binds.put("listId", f.listId());
        }
        if (f.q() != null) {
            sql.append(" ").append("""
                     AND (LOWER(COALESCE(c.first_name, '') || ' ' || COALESCE(c.last_name, '')) LIKE :q ESCAPE '!'
                          OR c.email LIKE :q ESCAPE '!' OR c.phone LIKE :q ESCAPE '!')""");
            binds.put("q", "%" + LikePatterns.escape(f.q().toLowerCase(java.util.Locale.ROOT)) + "%");
        }
        int i = 0;
        for (Map.Entry<String, String> a : f.attributes().entrySet()) {
            sql.append(" AND ").append(AttributeMatch.condition("c.attributes_json", a.getKey(), a.getValue(), "a" + i++, binds));
        }
        sql.append(" ORDER BY c.id DESC LIMIT :limit");
        var query = th.query(sql.toString()).bind("limit", page.limit() + 1);
        binds.forEach(query::bind);
        List<Contact> rows = query.map((rs, ctx) -> map(rs)).list();
        return withListIds(th, rows);
    }

    List<Contact> withListIds(TenantHandle th, List<Contact> rows) {
        if (rows.isEmpty()) {
            return rows;
        }
        Map<String, List<String>> lists = listIds(th, rows.stream().map(Contact::id).toList());
        List<Contact> out = new ArrayList<>(rows.size());
        for (Contact c : rows) {
            out.add(c.withListIds(lists.getOrDefault(c.id(), List.of())));
        }
        return out;
    }

    Map<String, List<String>> listIds(TenantHandle th, List<String> contactIds) {
        Map<String, List<String>> out = new HashMap<>();
        th.query("""
                SELECT contact_id, list_id FROM list_member
                WHERE list_id IN (""" + TENANT_LISTS + ") AND contact_id IN (<ids>) ORDER BY list_id")
                .bindList("ids", contactIds)
                .map((rs, ctx) -> Map.entry(rs.getString(1), rs.getString(2)))
                .forEach(e -> out.computeIfAbsent(e.getKey(), k -> new ArrayList<>()).add(e.getValue()));
        return out;
    }

    static Contact map(ResultSet rs) throws SQLException {
        Map<String, Contact.ConsentState> consent = new LinkedHashMap<>();
        consent.put("sms", new Contact.ConsentState(rs.getString("sms_consent"), rs.getString("sms_consent_source"),
                instant(rs.getTimestamp("sms_consent_at"))));
        consent.put("email", new Contact.ConsentState(rs.getString("email_consent"), rs.getString("email_consent_source"),
                instant(rs.getTimestamp("email_consent_at"))));
        return new Contact(rs.getString("id"), rs.getString("phone"), rs.getString("email"), rs.getString("first_name"),
                rs.getString("last_name"), rs.getString("timezone"), rs.getString("locale"),
                attributes(rs.getString("attributes_json")), List.of(), consent,
                instant(rs.getTimestamp("created_at")), instant(rs.getTimestamp("updated_at")));
    }

    static Map<String, Object> attributes(String json) {
        try {
            Map<String, Object> m = Json.mapper().readValue(json, MAP);
            return m == null ? new LinkedHashMap<>() : m;
        } catch (Exception e) {
            return new LinkedHashMap<>();
        }
    }

    private static Instant instant(Timestamp t) {
        return t == null ? null : t.toInstant();
    }
}

package dev.parley.contacts;

import dev.parley.core.Ids;
import dev.parley.core.Json;
import dev.parley.db.BulkInsert;
import dev.parley.db.Dialect;
import dev.parley.db.TenantHandle;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * Applies one chunk of import rows to the tenant's contacts in the caller's transaction, set-based: a locked
 * lookup of the phones and then the emails the chunk names that may be stored, the decisions in memory, then bulk inserts of new
 * contacts and memberships, one batch of updates, one statement adding the existing contacts to the list,
 * one bulk insert of rejects.
 *
 * <p>De-duplication: a row whose phone or email belongs to a contact (already stored, or made by an
 * earlier row of the same chunk) updates that contact by the policy — {@code fillBlanks} fills only
 * empty fields and absent attributes, {@code overwrite} replaces every field the row has a value for; a
 * blank cell never erases. A row whose phone belongs to one contact and email to another is rejected.
 * Consent given with an import never lifts an {@code optedOut}.
 */
final class ContactMerge {
    enum Policy { fillBlanks, overwrite }

    /** What a chunk did. */
    record Counts(long imported, long updated, long unchanged, long rejected) {}

    /**
     * A chunk of rows in file order, with the phones and emails its usable rows name (in row order, repeats kept) and
     * their {@link AddressFilter#key}s, made on an import's reading thread.
     */
    record Chunk(List<RowReader.Row> rows, List<String> phones, long[] phoneKeys, List<String> emails, long[] emailKeys) {}

    private static final class Working {
        /** Null for a new contact until it is written: ids are given in write order (see {@code write}). */
        String id;
        final boolean isNew;
        String phone;
        String email;
        String firstName;
        String lastName;
        String timezone;
        String locale;
        Map<String, Object> attributes;
        /** Whether {@code attributes} is still the map of the row that made this contact: copied before it is changed. */
        boolean attributesShared;
        /** {@code attributes} as JSON when known without writing it again (a new contact made by one row), else null. */
        String attributesJson;
        String smsConsent;
        String emailConsent;
        boolean dirty;
        boolean member;
        /** {@link #phoneOrder} of {@code phone}, set just before new contacts are sorted. */
        long phoneOrder;

        Working(String id, boolean isNew) {
            this.id = id;
            this.isNew = isNew;
        }
    }

    /** The {@link #phoneOrder} of no phone: after every other. */
    private static final long NO_PHONE = Long.MAX_VALUE;
    /** The {@link #phoneOrder} of a phone that is not "+" and 1–15 digits (never, for an E.164 number): after the others, by string. */
    private static final long NOT_DIGITS = Long.MAX_VALUE - 1;

    /**
     * The order new contacts are written in: by phone, then by email; absent addresses last. Phones compare by their
     * {@link #phoneOrder}, a number read once per contact, rather than as strings at every step of the sort.
     */
    private static final Comparator<Working> WRITE_ORDER = (a, b) -> {
        int byPhone = Long.compare(a.phoneOrder, b.phoneOrder);
        if (byPhone == 0 && a.phoneOrder == NOT_DIGITS) {
            byPhone = compareNullsLast(a.phone, b.phone);
        }
        return byPhone != 0 ? byPhone : compareNullsLast(a.email, b.email);
    };

    /**
     * A number that orders E.164 phones ("+" and up to 15 digits) as their strings order byte by byte, as the phone
     * index does: each digit d as the 4-bit value d + 1, the first digit highest, missing digits 0 (so a number
     * sorts before any longer one it begins).
     */
    static long phoneOrder(String phone) {
        if (phone == null) {
            return NO_PHONE;
        }
        int digits = phone.length() - 1;
        if (digits < 1 || digits > 15 || phone.charAt(0) != '+') {
            return NOT_DIGITS;
        }
        long order = 0;
        for (int i = 1; i <= 15; i++) {
            int nibble = 0;
            if (i <= digits) {
                char c = phone.charAt(i);
                if (c < '0' || c > '9') {
                    return NOT_DIGITS;
                }
                nibble = c - '0' + 1;
            }
            order = (order << 4) | nibble;
        }
        return order;
    }

    private static int compareNullsLast(String a, String b) {
        if (a == null || b == null) {
            return a == null ? (b == null ? 0 : 1) : -1;
        }
        return a.compareTo(b);
    }

    private final Dialect dialect;
    private final Clock clock;
    /** Tenant id → its number (migration V12), which never changes. */
    private final ConcurrentMap<String, Integer> tenantNums = new ConcurrentHashMap<>();

    ContactMerge(Dialect dialect, Clock clock) {
        this.dialect = dialect;
        this.clock = clock;
    }

    /** The list an import adds its contacts to was deleted while the import ran. */
    static final class ListGone extends RuntimeException {
        ListGone(String listId) {
            super("the list " + listId + " was deleted while the import ran");
        }
    }

    /**
     * @param consent channel → status to give the chunk's contacts ({@code source} names the import); may be empty
     * @param filter the addresses that may exist: the chunk's are added to it, whatever is looked up
     * @param lookUpAll look up every address, not only those the filter may hold (after a unique index refused a
     *                  twin, or a deadlock, the filter may not know of the other writer's contact)
     */
    Counts apply(TenantHandle th, String importId, String listId, Policy policy, Map<String, String> consent,
                 Chunk chunk, List<String> headers, AddressFilter filter, boolean lookUpAll) {
        List<RowReader.Row> rows = chunk.rows();
        Instant now = clock.instant();
        dialect.indexLookupPlans().forEach(th.raw()::execute);
        // The list first, as Lists.add does, then the contacts: a list deleted meanwhile waits for this chunk's members.
        if (listId != null && !Lists.holdForMembers(th, dialect, listId)) {
            throw new ListGone(listId);
        }
        AddressMap<Working> byPhone = new AddressMap<>();
        AddressMap<Working> byEmail = new AddressMap<>();
        // Every attempt feeds the filter, a retry's too: another writer that then finds one of these addresses "may"
        // exist looks it up, and a contact not yet committed is caught by the unique index.
        List<String> phones = filter.mayHoldThenAdd(chunk.phones(), chunk.phoneKeys());
        List<String> emails = filter.mayHoldThenAdd(chunk.emails(), chunk.emailKeys());
        load(th, tenantNum(th), lookUpAll ? chunk.phones() : phones, lookUpAll ? chunk.emails() : emails, byPhone, byEmail);
        List<Working> touched = new ArrayList<>();
        List<RowReader.Row> rejects = new ArrayList<>();
        List<String> rejectReasons = new ArrayList<>();
        long imported = 0;
        long updated = 0;
        long unchanged = 0;
        int phoneAt = 0;
        int emailAt = 0;
        for (RowReader.Row row : rows) {
            if (row.input() == null) {
                rejects.add(row);
                rejectReasons.add(row.problem());
                continue;
            }
            ContactInput in = row.input();
            // The chunk lists its rows' phones and emails, with their keys, in row order.
            long phoneKey = in.phone() == null ? 0 : chunk.phoneKeys()[phoneAt++];
            long emailKey = in.email() == null ? 0 : chunk.emailKeys()[emailAt++];
            Working byP = phoneKey == 0 ? null : byPhone.get(phoneKey, in.phone());
            Working byE = emailKey == 0 ? null : byEmail.get(emailKey, in.email());
            if (byP != null && byE != null && byP != byE) {
                rejects.add(row);
                rejectReasons.add("the phone number belongs to one contact and the email address to another");
                continue;
            }
            Working target = byP != null ? byP : byE;
            if (target == null) {
                target = new Working(null, true);
                target.attributes = in.attributes();
                target.attributesShared = true;
                target.attributesJson = row.attributesJson();
                target.smsConsent = "unknown";
                target.emailConsent = "unknown";
                merge(target, in, phoneKey, emailKey, Policy.overwrite, byPhone, byEmail);
                imported++;
            } else if (merge(target, in, phoneKey, emailKey, policy, byPhone, byEmail)) {
                target.dirty = true;
                updated++;
            } else {
                unchanged++;
            }
            if (!target.member) {
                target.member = true;
                touched.add(target);
            }
        }
        if (phoneAt != chunk.phoneKeys().length || emailAt != chunk.emailKeys().length) {
            throw new IllegalStateException("the chunk's address keys do not match its rows");
        }
        write(th, importId, listId, consent, touched, rejects, rejectReasons, headers, now);
        return new Counts(imported, updated, unchanged, rejects.size());
    }

    /**
     * Finds the contacts the chunk's addresses name, locked ({@link Dialect#lockedContactsBy}): the merge starts from
     * their latest version, and another import writer or an API call that changes one of them waits for this chunk
     * rather than having its change overwritten by it. First by phone; then by the emails that no contact found by
     * phone already has, so a row repeating a stored contact costs one probe, not one per address and another to lock.
     * Each pass locks in its keys' sorted order. No contact is read twice: each key names at most one (the indexes are
     * unique), and one found by phone has its email in {@code byEmail}, locked, so the second pass never asks for it.
     */
    private void load(TenantHandle th, int tenantNum, List<String> phones, List<String> emails,
                      AddressMap<Working> byPhone, AddressMap<Working> byEmail) {
        lockAndRead(th, tenantNum, "phone", new TreeSet<>(phones), byPhone, byEmail);
        TreeSet<String> rest = new TreeSet<>();
        for (String email : emails) {
            if (byEmail.get(AddressFilter.key(email), email) == null) {
                rest.add(email);
            }
        }
        lockAndRead(th, tenantNum, "email", rest, byPhone, byEmail);
    }

    private void lockAndRead(TenantHandle th, int tenantNum, String column, TreeSet<String> keys,
                             AddressMap<Working> byPhone, AddressMap<Working> byEmail) {
        if (keys.isEmpty()) {
            return;
        }
        dialect.bindKeys(th.query("""
                SELECT c.id, c.phone, c.email, c.first_name, c.last_name, c.timezone, c.locale, c.attributes_json,
                       c.sms_consent, c.email_consent FROM\s""" + dialect.lockedContactsBy(column)), List.copyOf(keys))
                .bind("tenantNum", tenantNum)
                .map((rs, ctx) -> {
                    Working w = new Working(rs.getString("id"), false);
                    w.phone = rs.getString("phone");
                    w.email = rs.getString("email");
                    w.firstName = rs.getString("first_name");
                    w.lastName = rs.getString("last_name");
                    w.timezone = rs.getString("timezone");
                    w.locale = rs.getString("locale");
                    w.attributes = ContactStore.attributes(rs.getString("attributes_json"));
                    w.smsConsent = rs.getString("sms_consent");
                    w.emailConsent = rs.getString("email_consent");
                    return w;
                })
                .forEach(w -> {
                    if (w.phone != null) {
                        byPhone.put(AddressFilter.key(w.phone), w.phone, w);
                    }
                    if (w.email != null) {
                        byEmail.put(AddressFilter.key(w.email), w.email, w);
                    }
                });
    }

    /**
     * Merges {@code in} (whose phone and email have the keys given) into {@code w}; returns true when anything changed.
     * The caller has checked the addresses are free.
     */
    private static boolean merge(Working w, ContactInput in, long phoneKey, long emailKey, Policy policy,
                                 AddressMap<Working> byPhone, AddressMap<Working> byEmail) {
        boolean overwrite = policy == Policy.overwrite;
        boolean changed = false;
        if (in.phone() != null && !in.phone().equals(w.phone) && (overwrite || w.phone == null)) {
            if (w.phone != null) {
                byPhone.remove(AddressFilter.key(w.phone), w.phone, null);
            }
            w.phone = in.phone();
            byPhone.put(phoneKey, w.phone, w);
            changed = true;
        }
        if (in.email() != null && !in.email().equals(w.email) && (overwrite || w.email == null)) {
            if (w.email != null) {
                byEmail.remove(AddressFilter.key(w.email), w.email, null);
            }
            w.email = in.email();
            byEmail.put(emailKey, w.email, w);
            changed = true;
        }
        String v;
        if ((v = pick(w.firstName, in.firstName(), overwrite)) != null) {
            w.firstName = v;
            changed = true;
        }
        if ((v = pick(w.lastName, in.lastName(), overwrite)) != null) {
            w.lastName = v;
            changed = true;
        }
        if ((v = pick(w.timezone, in.timezone(), overwrite)) != null) {
            w.timezone = v;
            changed = true;
        }
        if ((v = pick(w.locale, in.locale(), overwrite)) != null) {
            w.locale = v;
            changed = true;
        }
        // A new contact starts from its row's own attributes (the same map, see apply): nothing to merge.
        if (w.attributes != in.attributes()) {
            for (Map.Entry<String, Object> a : in.attributes().entrySet()) {
                Object current = w.attributes.get(a.getKey());
                if (current == null || (overwrite && !Objects.equals(current, a.getValue()))) {
                    if (w.attributesShared) {
                        w.attributes = new LinkedHashMap<>(w.attributes);
                        w.attributesShared = false;
                    }
                    w.attributes.put(a.getKey(), a.getValue());
                    w.attributesJson = null;
                    changed = true;
                }
            }
        }
        return changed;
    }

    /** The new value of a field, or null when it stays as it is. */
    private static String pick(String current, String given, boolean overwrite) {
        if (given == null || given.equals(current)) {
            return null;
        }
        return current == null || overwrite ? given : null;
    }

    /** Writes a merged chunk: updates, new contacts, memberships, consent history, rejects. */
    private void write(TenantHandle th, String importId, String listId, Map<String, String> consent, List<Working> touched,
                       List<RowReader.Row> rejects, List<String> reasons, List<String> headers, Instant now) {
        var h = th.raw();
        String source = "import:" + importId;
        BulkInsert events = dialect.bulkInsert(h, "consent_event",
                List.of("id", "tenant_id", "contact_id", "channel", "status", "source", "actor_id", "at"));
        // Existing contacts first: an overwrite that moves a phone or email off a contact must reach the database
        // before a new contact of this chunk takes that address, or the unique index refuses the new one.
        List<String> oldMembers = updateExisting(th, listId, consent, touched, events, source, now);
        insertNew(th, listId, consent, touched, events, source, now);
        if (!oldMembers.isEmpty()) {
            h.createUpdate("INSERT INTO list_member (list_id, contact_id, tenant_id, added_at) SELECT :list, k.contact, :tenant, :now FROM "
                            + dialect.arrayTable("k", "contact:varchar") + " ON CONFLICT DO NOTHING")
                    .bind("list", listId).bind("tenant", th.tenantId()).bind("now", now)
                    .bindArray("contact", String.class, oldMembers).execute();
        }
        events.flush();
        if (!rejects.isEmpty()) {
            insertRejects(th, importId, rejects, reasons);
        }
    }

    /** Updates the chunk's stored contacts that changed; returns the ids of all of them, to add to the list. */
    private List<String> updateExisting(TenantHandle th, String listId, Map<String, String> consent, List<Working> touched,
                                        BulkInsert events, String source, Instant now) {
        var updates = th.raw().prepareBatch("""
                UPDATE contact SET phone = :phone, email = :email, first_name = :first, last_name = :last, timezone = :tz,
                       locale = :locale, attributes_json = :attrs, sms_consent = :sms, email_consent = :emailConsent,
                       sms_consent_source = CASE WHEN sms_consent = :sms THEN sms_consent_source ELSE :source END,
                       sms_consent_at = CASE WHEN sms_consent = :sms THEN sms_consent_at ELSE :now END,
                       email_consent_source = CASE WHEN email_consent = :emailConsent THEN email_consent_source ELSE :source END,
                       email_consent_at = CASE WHEN email_consent = :emailConsent THEN email_consent_at ELSE :now END,
                       updated_at = :now
                WHERE tenant_id = :tenant AND id = :id""");
        List<String> oldMembers = new ArrayList<>();
        int updateCount = 0;
        for (Working w : touched) {
            if (w.isNew) {
                continue;
            }
            boolean consentChanged = applyConsent(w, consent, events, th.tenantId(), source, now);
            if (w.dirty || consentChanged) {
                updates.bind("phone", w.phone).bind("email", w.email).bind("first", w.firstName).bind("last", w.lastName)
                        .bind("tz", w.timezone).bind("locale", w.locale).bind("attrs", Json.write(w.attributes))
                        .bind("sms", w.smsConsent).bind("emailConsent", w.emailConsent).bind("source", source)
                        .bind("now", now).bind("tenant", th.tenantId()).bind("id", w.id).add();
                updateCount++;
            }
            if (listId != null) {
                oldMembers.add(w.id);
            }
        }
        if (updateCount > 0) {
            updates.execute();
        }
        return oldMembers;
    }

    private void insertNew(TenantHandle th, String listId, Map<String, String> consent, List<Working> touched, BulkInsert events,
                           String source, Instant now) {
        String tenant = th.tenantId();
        int tenantNum = tenantNum(th);
        BulkInsert contacts = dialect.bulkInsert(th.raw(), "contact", List.of("id", "tenant_id", "tenant_num", "phone", "email",
                "first_name", "last_name", "timezone", "locale", "attributes_json", "sms_consent", "sms_consent_source",
                "sms_consent_at", "email_consent", "email_consent_source", "email_consent_at", "created_at", "updated_at"));
        BulkInsert newMembers = dialect.bulkInsert(th.raw(), "list_member", List.of("list_id", "contact_id", "tenant_id", "added_at"));
        // New contacts go in in phone order (then email order, for those with no phone): the phone index takes a chunk's
        // keys as one ascending run rather than at random, which saved PostgreSQL 1–3 CPU-s per million rows
        // (docs/performance.md). Ids are given after the sort, so the (tenant_id, id) key still grows at its right edge.
        List<Working> fresh = new ArrayList<>();
        for (Working w : touched) {
            if (w.isNew) {
                w.phoneOrder = phoneOrder(w.phone);
                fresh.add(w);
            }
        }
        fresh.sort(WRITE_ORDER);
        for (Working w : fresh) {
            // Ids count up (core.Ids), so new contacts given theirs as they are written enter the (tenant_id, id) key
            // and the membership key at their right edge, in order (docs/performance.md).
            w.id = Ids.next("ctc", clock);
            applyConsent(w, consent, events, tenant, source, now);
            contacts.add(w.id, tenant, tenantNum, w.phone, w.email, w.firstName, w.lastName, w.timezone, w.locale,
                    w.attributesJson != null ? w.attributesJson : Json.write(w.attributes),
                    w.smsConsent, w.smsConsent.equals("unknown") ? null : source, w.smsConsent.equals("unknown") ? null : now,
                    w.emailConsent, w.emailConsent.equals("unknown") ? null : source, w.emailConsent.equals("unknown") ? null : now,
                    now, now);
            if (listId != null) {
                newMembers.add(listId, w.id, tenant, now);
            }
        }
        contacts.flush();
        newMembers.flush();
    }

    /** The number of the handle's tenant (migration V12). */
    private int tenantNum(TenantHandle th) {
        return tenantNums.computeIfAbsent(th.tenantId(),
                t -> th.query("SELECT num FROM tenant WHERE id = :tenant").mapTo(Integer.class).one());
    }

    private void insertRejects(TenantHandle th, String importId, List<RowReader.Row> rejects, List<String> reasons) {
        BulkInsert rejected = dialect.bulkInsert(th.raw(), "import_reject", List.of("import_id", "tenant_id", "line", "reason", "record"));
        for (int i = 0; i < rejects.size(); i++) {
            RowReader.Row r = rejects.get(i);
            String reason = reasons.get(i);
            rejected.add(importId, th.tenantId(), r.line(), reason.length() > 500 ? reason.substring(0, 500) : reason,
                    CsvText.record(r.fields(), 200_000));
        }
        rejected.flush();
    }

    /** Applies the import's consent to {@code w}, never lifting an opt-out; queues the history events. */
    private boolean applyConsent(Working w, Map<String, String> consent, BulkInsert events, String tenant, String source, Instant now) {
        boolean changed = false;
        for (Map.Entry<String, String> c : consent.entrySet()) {
            String current = c.getKey().equals("sms") ? w.smsConsent : w.emailConsent;
            if (current.equals(c.getValue()) || current.equals("optedOut")) {
                continue;
            }
            if (c.getKey().equals("sms")) {
                w.smsConsent = c.getValue();
            } else {
                w.emailConsent = c.getValue();
            }
            events.add(Ids.next("cev", clock), tenant, w.id, c.getKey(), c.getValue(), source, null, now);
            changed = true;
        }
        return changed;
    }
}

package dev.parley.contacts;

import dev.parley.db.TenantHandle;
import dev.parley.tenancy.PersonalData;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@link PersonalData} parts this package owns: the contact row (with its list memberships), its
 * consent history, suppressions of its addresses (erasure keeps only the hash) and rejected import rows
 * that name its phone or email (found by normalising every cell of the tenant's rejected rows, so
 * {@code 07911 123456} in a GB import matches {@code +447911123456}).
 */
public final class ContactsPersonalData {
    private ContactsPersonalData() {}

    /** The contact row and its memberships; register it last, its erasure deletes the row. */
    public static PersonalData contact() {
        ContactStore store = new ContactStore();
        return part("contact",
                (th, s) -> store.get(th, s.contactId()).orElse(null),
                (th, s) -> store.delete(th, s.contactId()));
    }

    public static PersonalData consentHistory() {
        return part("consentHistory",
                (th, s) -> th.query("""
                        SELECT channel, status, source, actor_id, at FROM consent_event
                        WHERE tenant_id = :tenant AND contact_id = :id ORDER BY id""")
                        .bind("id", s.contactId()).map(ContactsPersonalData::row).list(),
                (th, s) -> th.update("DELETE FROM consent_event WHERE tenant_id = :tenant AND contact_id = :id")
                        .bind("id", s.contactId()).execute());
    }

    public static PersonalData suppressions() {
        return part("suppressions",
                (th, s) -> hashes(s).isEmpty() ? List.of() : th.query("""
                        SELECT id, channel, address, reason, source, created_at FROM suppression
                        WHERE tenant_id = :tenant AND address_hash IN (<hashes>)""")
                        .bindList("hashes", hashes(s)).map(ContactsPersonalData::row).list(),
                (th, s) -> hashes(s).isEmpty() ? 0 : th.update("""
                        UPDATE suppression SET address = NULL, reason = NULL
                        WHERE tenant_id = :tenant AND address_hash IN (<hashes>)""")
                        .bindList("hashes", hashes(s)).execute());
    }

    public static PersonalData importRejects() {
        return part("importRejects",
                (th, s) -> {
                    List<Map<String, Object>> out = new ArrayList<>();
                    for (Reject r : matchingRejects(th, s)) {
                        Map<String, Object> m = new LinkedHashMap<>();
                        m.put("importId", r.importId());
                        m.put("line", r.line());
                        m.put("record", r.record());
                        out.add(m);
                    }
                    return out;
                },
                (th, s) -> {
                    int n = 0;
                    for (Reject r : matchingRejects(th, s)) {
                        n += th.update("DELETE FROM import_reject WHERE tenant_id = :tenant AND import_id = :imp AND line = :line")
                                .bind("imp", r.importId()).bind("line", r.line()).execute();
                    }
                    return n;
                });
    }

    private record Reject(String importId, long line, String record) {}

    private static List<Reject> matchingRejects(TenantHandle th, PersonalData.Subject s) {
        List<Reject> found = new ArrayList<>();
        var rows = th.query("""
                SELECT r.import_id, r.line, r.record, j.region, j.delimiter FROM import_reject r
                JOIN import_job j ON j.id = r.import_id
                WHERE r.tenant_id = :tenant""").setFetchSize(1_000)
                .map((rs, c) -> new Object[] {rs.getString(1), rs.getLong(2), rs.getString(3), rs.getString(4)});
        try (var it = rows.iterator()) {
            while (it.hasNext()) {
                Object[] r = it.next();
                String record = (String) r[2];
                if (record != null && mentions(record, (String) r[3], s)) {
                    found.add(new Reject((String) r[0], (Long) r[1], record));
                }
            }
        }
        return found;
    }

    /** True when any cell of the stored CSV record normalises to the subject's phone or email. */
    static boolean mentions(String record, String region, PersonalData.Subject s) {
        if (s.email() != null && record.toLowerCase(java.util.Locale.ROOT).contains(s.email())) {
            return true;
        }
        if (s.phone() == null) {
            return false;
        }
        try {
            CsvParser.Record parsed = new CsvParser(new java.io.StringReader(record), ',', CsvFile.MAX_COLUMNS, Integer.MAX_VALUE).next();
            if (parsed == null) {
                return false;
            }
            for (String cell : parsed.fields()) {
                if (cell.chars().filter(Character::isDigit).count() >= 6 && s.phone().equals(PhoneNumbers.toE164(cell, region).value())) {
                    return true;
                }
            }
        } catch (java.io.IOException e) {
            return record.contains(s.phone());
        }
        return false;
    }

    /** A row as a JSON-ready map: camelCase keys, timestamps as instants. */
    private static Map<String, Object> row(java.sql.ResultSet rs, org.jdbi.v3.core.statement.StatementContext ctx)
            throws java.sql.SQLException {
        Map<String, Object> m = new LinkedHashMap<>();
        var meta = rs.getMetaData();
        for (int i = 1; i <= meta.getColumnCount(); i++) {
            Object v = rs.getObject(i);
            String[] words = meta.getColumnLabel(i).toLowerCase(java.util.Locale.ROOT).split("_");
            StringBuilder key = new StringBuilder(words[0]);
            for (int w = 1; w < words.length; w++) {
                key.append(Character.toUpperCase(words[w].charAt(0))).append(words[w].substring(1));
            }
            m.put(key.toString(), v instanceof java.sql.Timestamp t ? t.toInstant()
                    : v instanceof java.time.OffsetDateTime o ? o.toInstant() : v);
        }
        return m;
    }

    private static List<String> hashes(PersonalData.Subject s) {
        List<String> h = new ArrayList<>();
        if (s.phone() != null) {
            h.add(Suppressions.hash("sms", s.phone()));
        }
        if (s.email() != null) {
            h.add(Suppressions.hash("email", s.email()));
        }
        return h;
    }

    private interface Exporter {
        Object export(TenantHandle th, PersonalData.Subject s);
    }

    private interface Eraser {
        int erase(TenantHandle th, PersonalData.Subject s);
    }

    private static PersonalData part(String section, Exporter exporter, Eraser eraser) {
        return new PersonalData() {
            @Override
            public String section() {
                return section;
            }

            @Override
            public Object export(TenantHandle th, Subject subject) {
                return exporter.export(th, subject);
            }

            @Override
            public int erase(TenantHandle th, Subject subject) {
                return eraser.erase(th, subject);
            }
        };
    }
}

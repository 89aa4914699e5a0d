package dev.parley.delivery;

import dev.parley.db.Dialect;
import java.sql.Timestamp;
import java.util.List;
import org.jdbi.v3.core.Handle;

/**
 * Writes event rows as one set-based INSERT from bound arrays, however many there are, and moves the
 * campaign counters of the changes they record ({@link CampaignCounters}) in the same transaction.
 */
final class Events {
    private Events() {}

    static void insert(Handle h, Dialect dialect, List<EventRow> rows) {
        if (rows.isEmpty()) {
            return;
        }
        int n = rows.size();
        String[] ids = new String[n];
        String[] tenants = new String[n];
        Timestamp[] ats = new Timestamp[n];
        String[] types = new String[n];
        String[] froms = new String[n];
        String[] tos = new String[n];
        Integer[] attempts = new Integer[n];
        String[] providers = new String[n];
        String[] details = new String[n];
        for (int i = 0; i < n; i++) {
            EventRow e = rows.get(i);
            ids[i] = e.messageId();
            tenants[i] = e.tenantId();
            ats[i] = Timestamp.from(e.at());
            types[i] = e.type();
            froms[i] = e.fromStatus();
            tos[i] = e.toStatus();
            attempts[i] = e.attempt();
            providers[i] = e.providerId();
            details[i] = e.detail() == null || e.detail().length() <= 2000 ? e.detail() : e.detail().substring(0, 2000);
        }
        String source = dialect.arrayTable("v", "mid:varchar", "tid:varchar", "at:timestamptz", "typ:varchar", "fs:varchar",
                "ts:varchar", "att:int", "pid:varchar", "det:varchar");
        h.createUpdate("INSERT INTO message_event (message_id, tenant_id, at, type, from_status, to_status, attempt, "
                        + "provider_id, detail) SELECT mid, tid, at, typ, fs, ts, att, pid, det FROM " + source)
                .bindArray("mid", String.class, (Object[]) ids)
                .bindArray("tid", String.class, (Object[]) tenants)
                .bindArray("at", Timestamp.class, (Object[]) ats)
                .bindArray("typ", String.class, (Object[]) types)
                .bindArray("fs", String.class, (Object[]) froms)
                .bindArray("ts", String.class, (Object[]) tos)
                .bindArray("att", Integer.class, (Object[]) attempts)
                .bindArray("pid", String.class, (Object[]) providers)
                .bindArray("det", String.class, (Object[]) details)
                .execute();
        CampaignCounters.record(h, dialect, rows);
    }
}

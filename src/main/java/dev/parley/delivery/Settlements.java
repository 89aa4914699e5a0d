package dev.parley.delivery;

import dev.parley.db.Dialect;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/**
 * Settles a batch of attempts in one transaction: one set-based UPDATE (only rows still {@code sending},
 * owned by this node, at this attempt) and one INSERT of their events. A row someone else settled first
 * (the reaper, after a lease expired) is left alone and reported back.
 */
final class Settlements {
    private final Jdbi jdbi;
    private final Dialect dialect;
    private final Receipts receipts;

    Settlements(Jdbi jdbi, Dialect dialect, Receipts receipts) {
        this.jdbi = jdbi;
        this.dialect = dialect;
        this.receipts = receipts;
    }

    Jdbi jdbi() {
        return jdbi;
    }

    Receipts receipts() {
        return receipts;
    }

    /** How many settling threads suit the database. */
    int writers() {
        return dialect.hotRowWriters();
    }

    /** Applies the batch; returns the ids that were no longer this node's to settle. */
    Set<String> settle(List<Settlement> batch, String node, Instant now) {
        if (batch.isEmpty()) {
            return Set.of();
        }
        return jdbi.inTransaction(h -> {
            Set<String> applied = update(h, batch, node, now);
            List<EventRow> events = new ArrayList<>(batch.size());
            List<Settlement> sent = new ArrayList<>();
            Set<String> lost = new HashSet<>();
            for (Settlement s : batch) {
                if (!applied.contains(s.id())) {
                    lost.add(s.id());
                    continue;
                }
                events.add(new EventRow(s.id(), s.tenantId(), now, s.eventType(), "sending", s.to().wire(),
                        s.attempt() + s.attemptDelta(), s.providerId(), s.detail(), s.campaignId()));
                if (s.to() == MessageStatus.SENT) {
                    sent.add(s);
                }
            }
            Events.insert(h, dialect, events);
            if (!sent.isEmpty()) {
                receipts.applyPending(h, sent, now);
            }
            return lost;
        });
    }

    private Set<String> update(Handle h, List<Settlement> batch, String node, Instant now) {
        int n = batch.size();
        String[] ids = new String[n];
        Integer[] attempts = new Integer[n];
        Integer[] deltas = new Integer[n];
        String[] statuses = new String[n];
        String[] pmids = new String[n];
        String[] errors = new String[n];
        Timestamp[] dues = new Timestamp[n];
        Timestamp[] sentAts = new Timestamp[n];
        String[] providers = new String[n];
        String[] fallbacks = new String[n];
        for (int i = 0; i < n; i++) {
            Settlement s = batch.get(i);
            ids[i] = s.id();
            attempts[i] = s.attempt();
            deltas[i] = s.attemptDelta();
            statuses[i] = s.to().wire();
            pmids[i] = s.providerMessageId();
            errors[i] = s.error() == null || s.error().length() <= 1000 ? s.error() : s.error().substring(0, 1000);
            dues[i] = s.dueAt() == null ? null : Timestamp.from(s.dueAt());
            sentAts[i] = s.to() == MessageStatus.SENT ? Timestamp.from(now) : null;
            providers[i] = s.providerId();
            fallbacks[i] = s.fallbacks();
        }
        String source = dialect.arrayTable("v", "sid:varchar", "sat:int", "sdelta:int", "sst:varchar", "spm:varchar",
                "serr:varchar", "sdue:timestamptz", "ssent:timestamptz", "sprov:varchar", "sfb:varchar");
        String sql = dialect.updateFromReturning("message", source,
                "t.id = v.sid AND t.attempt = v.sat AND t.status = 'sending' AND t.lease_owner = :node",
                "status = v.sst, provider_message_id = COALESCE(v.spm, t.provider_message_id), last_error = v.serr, "
                        + "due_at = COALESCE(v.sdue, t.due_at), attempt = t.attempt + v.sdelta, "
                        + "sent_at = COALESCE(v.ssent, t.sent_at), provider_id = v.sprov, fallbacks = v.sfb, "
                        + "lease_owner = NULL, lease_until = NULL, updated_at = :now",
                "t.id");
        return new HashSet<>(h.createQuery(sql)
                .bindArray("sid", String.class, (Object[]) ids)
                .bindArray("sat", Integer.class, (Object[]) attempts)
                .bindArray("sdelta", Integer.class, (Object[]) deltas)
                .bindArray("sst", String.class, (Object[]) statuses)
                .bindArray("spm", String.class, (Object[]) pmids)
                .bindArray("serr", String.class, (Object[]) errors)
                .bindArray("sdue", Timestamp.class, (Object[]) dues)
                .bindArray("ssent", Timestamp.class, (Object[]) sentAts)
                .bindArray("sprov", String.class, (Object[]) providers)
                .bindArray("sfb", String.class, (Object[]) fallbacks)
                .bind("node", node).bind("now", now)
                .mapTo(String.class).list());
    }
}
